import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { SourceImport, WorkspaceProject } from './resolve-import.ts';

const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
// Build output, installed packages and generated clients are not code anyone wrote against the rules.
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'generated', '.generated', 'coverage']);

/**
 * Every module specifier (static import, export-from, import type, dynamic import(), require)
 * in the source files of the given projects, with the file as a repo-relative POSIX path.
 */
export function collectImports(repoRoot: string, projects: readonly WorkspaceProject[]): SourceImport[] {
  return projects.flatMap((project) =>
    listSourceFiles(repoRoot, project.root).flatMap((file) =>
      ts
        .preProcessFile(readFileSync(join(repoRoot, file), 'utf8'), true, true)
        .importedFiles.map((imported) => ({ file, specifier: imported.fileName })),
    ),
  );
}

/** Source files under a project folder (repo-relative), skipping build output and generated code. */
export function listSourceFiles(repoRoot: string, directory: string): string[] {
  return readdirSync(join(repoRoot, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) {
      return SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.') ? [] : listSourceFiles(repoRoot, path);
    }
    return entry.isFile() && SOURCE_FILE.test(entry.name) ? [path] : [];
  });
}
