/**
 * Walks the values a catalogue `sensitivePaths` entry names (`contact.email`, `attendees[].phone`,
 * `tags[]`) and rebuilds the data with `map` applied to each. `map` receives the concrete path
 * (`attendees[1].phone`), which encryption binds into the ciphertext. Pure: the input is not
 * changed; missing, null and mistyped branches are left as they are.
 */
export function mapSensitive(
  data: unknown,
  paths: readonly string[],
  map: (value: unknown, path: string) => unknown,
): unknown {
  let result = data;
  for (const path of paths) result = mapPath(result, parsePath(path), '', map);
  return result;
}

/** Every present, non-null value at the paths, with its concrete path. */
export function sensitiveValues(data: unknown, paths: readonly string[]): Array<{ value: unknown; path: string }> {
  const found: Array<{ value: unknown; path: string }> = [];
  mapSensitive(data, paths, (value, path) => {
    found.push({ value, path });
    return value;
  });
  return found;
}

interface Step {
  key: string;
  /** The key holds an array; the rest of the path applies to each element. */
  each: boolean;
}

function parsePath(path: string): Step[] {
  return path
    .split('.')
    .map((part) => (part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false }));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function mapPath(
  node: unknown,
  steps: readonly Step[],
  at: string,
  map: (value: unknown, path: string) => unknown,
): unknown {
  const [step, ...rest] = steps;
  if (!step) return node === null || node === undefined ? node : map(node, at);
  // `[]` on the root (a path such as `[]` or `[].email`) has an empty key.
  if (step.key === '') return step.each ? mapEach(node, rest, at, map) : node;
  if (!isRecord(node) || !Object.hasOwn(node, step.key)) return node;
  const here = at ? `${at}.${step.key}` : step.key;
  const child = step.each ? mapEach(node[step.key], rest, here, map) : mapPath(node[step.key], rest, here, map);
  return child === node[step.key] ? node : { ...node, [step.key]: child };
}

function mapEach(
  node: unknown,
  steps: readonly Step[],
  at: string,
  map: (value: unknown, path: string) => unknown,
): unknown {
  if (!Array.isArray(node)) return node;
  let changed = false;
  const mapped = node.map((element, index) => {
    const next = mapPath(element, steps, `${at}[${index}]`, map);
    if (next !== element) changed = true;
    return next;
  });
  return changed ? mapped : node;
}
