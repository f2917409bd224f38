/**
 * Elementary cycles found by depth-first search over a directed graph, each as a node path whose
 * last node equals its first. Each back edge yields one cycle, which is enough to name every
 * strongly connected knot at least once; rotations of the same cycle are reported once.
 */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const done = new Set<string>();
  const path: string[] = [];

  const visit = (node: string): void => {
    path.push(node);
    for (const next of [...(edges.get(node) ?? [])].sort()) {
      const start = path.indexOf(next);
      if (start >= 0) addCycle(cycles, [...path.slice(start), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(node);
  };

  for (const node of [...edges.keys()].sort()) if (!done.has(node)) visit(node);
  return [...cycles.values()];
}

function addCycle(cycles: Map<string, string[]>, cycle: string[]): void {
  const ring = cycle.slice(0, -1);
  const smallest = ring.indexOf([...ring].sort()[0] ?? '');
  const rotated = [...ring.slice(smallest), ...ring.slice(0, smallest)];
  const key = rotated.join(' -> ');
  if (!cycles.has(key)) cycles.set(key, [...rotated, rotated[0] ?? '']);
}
