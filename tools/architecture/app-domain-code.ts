import { posix } from 'node:path';
import type { SourceImport } from './resolve-import.ts';

/** What the domain files of apps may not import, whatever the app's own tags allow. */
export interface AppDomainRules {
  /** npm packages and workspace packages (any subpath of them too). */
  forbiddenModules: readonly string[];
  /** Folder names a relative import may not pass through (e.g. the app's write side). */
  forbiddenFolders: readonly string[];
}

// apps/<app>/src/.../<aggregate>/<aggregate>-decider.ts marks an aggregate's folder.
const DECIDER = /^(apps\/[^/]+\/src\/(?:[^/]+\/)*)([^/]+)\/\2-decider\.ts$/;

/**
 * The domain files of apps (apps/domain-repository/README.md, the slice recipe): in a folder
 * holding `<aggregate>-decider.ts`, the aggregate file `<aggregate>.ts`, the decider, the
 * `*-rules.ts`, `*-values.ts` and `*-policy.ts` files, and each slice's decide file
 * `<use-case>/<use-case>.ts`. Found among the files that import something (a file importing
 * nothing breaks no rule).
 */
export function appDomainFiles(imports: readonly SourceImport[]): Set<string> {
  const files = new Set(imports.map((entry) => entry.file));
  const folders = [...files].flatMap((file) => {
    const match = DECIDER.exec(file);
    return match ? [{ folder: `${match[1]}${match[2]}`, aggregate: match[2] }] : [];
  });
  const isDomain = (file: string) =>
    folders.some(({ folder, aggregate }) => {
      if (!file.startsWith(`${folder}/`)) return false;
      const rest = file.slice(folder.length + 1).split('/');
      if (rest.length === 1)
        return rest[0] === `${aggregate}.ts` || /-(?:decider|rules|values|policy)\.ts$/.test(rest[0]!);
      return rest.length === 2 && rest[1] === `${rest[0]}.ts`;
    });
  return new Set([...files].filter(isDomain));
}

/** Each import of a domain file that reaches infrastructure or the write side, as a readable line. */
/** Test files are exempt: they may drive the write side. */
export function checkAppDomainImports(
  imports: readonly SourceImport[],
  rules: AppDomainRules,
  testFile: RegExp,
): string[] {
  const domain = appDomainFiles(imports);
  return imports
    .filter((entry) => domain.has(entry.file) && !testFile.test(entry.file))
    .flatMap((entry) => {
      const reached = forbiddenTarget(entry, rules);
      return reached
        ? [`${entry.file} imports '${entry.specifier}': domain code (decide/evolve) may not use ${reached}`]
        : [];
    });
}

function forbiddenTarget({ file, specifier }: SourceImport, rules: AppDomainRules): string | undefined {
  if (specifier.startsWith('.')) {
    const segments = posix.normalize(posix.join(posix.dirname(file), specifier)).split('/');
    const folder = rules.forbiddenFolders.find((name) => segments.slice(0, -1).includes(name));
    return folder === undefined ? undefined : `the app's ${folder}/`;
  }
  const module = rules.forbiddenModules.find((name) => specifier === name || specifier.startsWith(`${name}/`));
  return module === undefined ? undefined : `'${module}'`;
}
