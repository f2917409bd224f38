import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const printedGraphSchema = z.object({
  graph: z.object({
    nodes: z.record(z.string(), z.unknown()),
    dependencies: z.record(z.string(), z.array(z.object({ source: z.string(), target: z.string() }))),
  }),
});

/**
 * Workspace project dependencies as Nx 24 itself computes them (`nx graph --print`), as
 * 'from -> to' strings; npm packages are left out. Runs offline: no daemon, no cloud.
 */
export function readNxProjectDependencies(repoRoot: string): string[] {
  const result = spawnSync(process.execPath, [nxBin(repoRoot), 'graph', '--print'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (result.status !== 0) throw new Error(`nx graph --print failed (${result.status}): ${result.stderr}`);
  const { graph } = printedGraphSchema.parse(JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))));
  return Object.values(graph.dependencies)
    .flat()
    .filter((edge) => edge.target in graph.nodes)
    .map((edge) => `${edge.source} -> ${edge.target}`)
    .sort();
}

function nxBin(repoRoot: string): string {
  const manifest = createRequire(join(repoRoot, 'package.json')).resolve('nx/package.json');
  const { bin } = z.object({ bin: z.object({ nx: z.string() }) }).parse(JSON.parse(readFileSync(manifest, 'utf8')));
  return join(dirname(manifest), bin.nx);
}
