import { isBuiltin } from 'node:module';
import { posix } from 'node:path';

/** A workspace package as the boundary check sees it; `root` is repo-relative, POSIX. */
export interface WorkspaceProject {
  name: string;
  root: string;
  tags: readonly string[];
  /** Keys of package.json "exports" ('.', './testing'). */
  exportedSubpaths: readonly string[];
}

/** One module specifier written in one source file (repo-relative, POSIX). */
export interface SourceImport {
  file: string;
  specifier: string;
}

/** What a specifier points at, seen from the project that owns the importing file. */
export type ImportTarget =
  | { kind: 'same-project' }
  | { kind: 'project'; project: WorkspaceProject; subpath: string; relative: boolean }
  | { kind: 'unknown-workspace-package' }
  | { kind: 'outside-projects'; path: string }
  | { kind: 'external'; module: string };

/** Maps a specifier to a workspace project, an npm package / node built-in, or a path outside the projects. */
export function resolveImport(
  projects: readonly WorkspaceProject[],
  workspaceScope: string,
  { file, specifier }: SourceImport,
): ImportTarget {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return resolvePath(projects, file, specifier);
  const project = projects.find((p) => specifier === p.name || specifier.startsWith(`${p.name}/`));
  if (project) {
    const subpath = `.${specifier.slice(project.name.length)}`;
    return { kind: 'project', project, subpath, relative: false };
  }
  if (specifier.startsWith(workspaceScope)) return { kind: 'unknown-workspace-package' };
  return { kind: 'external', module: externalModuleName(specifier) };
}

/** The project whose folder holds a repo-relative path (the deepest root wins). */
export function owningProject(projects: readonly WorkspaceProject[], path: string): WorkspaceProject | undefined {
  return projects
    .filter((p) => path === p.root || path.startsWith(`${p.root}/`))
    .sort((a, b) => b.root.length - a.root.length)[0];
}

function resolvePath(projects: readonly WorkspaceProject[], file: string, specifier: string): ImportTarget {
  const path = specifier.startsWith('/') ? specifier : posix.normalize(posix.join(posix.dirname(file), specifier));
  const target = owningProject(projects, path);
  if (!target || path.startsWith('/')) return { kind: 'outside-projects', path };
  if (target === owningProject(projects, file)) return { kind: 'same-project' };
  return { kind: 'project', project: target, subpath: `./${posix.relative(target.root, path)}`, relative: true };
}

// 'ajv/dist/2020.js' -> 'ajv', '@prisma/client/runtime' -> '@prisma/client', 'fs/promises' -> 'node:fs/promises'.
function externalModuleName(specifier: string): string {
  if (isBuiltin(specifier)) return specifier.startsWith('node:') ? specifier : `node:${specifier}`;
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
