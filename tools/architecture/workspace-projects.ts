import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { WorkspaceProject } from './resolve-import.ts';

const rootPackageSchema = z.object({ workspaces: z.array(z.string()) });

const projectPackageSchema = z.object({
  name: z.string(),
  exports: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  nx: z.object({ tags: z.array(z.string()).optional() }).optional(),
});

/** Reads every npm workspace package named by the root package.json, with its Nx tags and exports. */
export function readWorkspaceProjects(repoRoot: string): WorkspaceProject[] {
  const { workspaces } = rootPackageSchema.parse(readJson(join(repoRoot, 'package.json')));
  return workspaces.flatMap((pattern) => expandWorkspace(repoRoot, pattern)).map((root) => readProject(repoRoot, root));
}

// npm accepts full globs; this repo uses only `dir/*` and plain directories, so anything else fails loudly.
function expandWorkspace(repoRoot: string, pattern: string): string[] {
  if (!pattern.includes('*')) return [pattern];
  if (!pattern.endsWith('/*') || pattern.slice(0, -2).includes('*')) {
    throw new Error(`unsupported workspaces pattern '${pattern}'`);
  }
  const parent = pattern.slice(0, -2);
  return readdirSync(join(repoRoot, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, parent, entry.name, 'package.json')))
    .map((entry) => `${parent}/${entry.name}`)
    .sort();
}

function readProject(repoRoot: string, root: string): WorkspaceProject {
  const pkg = projectPackageSchema.parse(readJson(join(repoRoot, root, 'package.json')));
  const exportedSubpaths =
    pkg.exports === undefined || typeof pkg.exports === 'string' ? ['.'] : Object.keys(pkg.exports);
  return { name: pkg.name, root, tags: pkg.nx?.tags ?? [], exportedSubpaths };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}
