import { checkAppDomainImports, type AppDomainRules } from './app-domain-code.ts';
import { findCycles } from './find-cycles.ts';
import { owningProject, resolveImport, type SourceImport, type WorkspaceProject } from './resolve-import.ts';

/** The dependency rules, as data; a tag pair not listed is forbidden. */
export interface BoundaryRules {
  /** npm scope of the workspace packages, e.g. '@bizosaas/'. */
  workspaceScope: string;
  /** For each `type:*` tag, the `type:*` tags of the projects it may depend on. */
  mayDependOn: Readonly<Record<string, readonly string[]>>;
  /** Scopes any project may depend on; otherwise a dependency must stay within its own scope. */
  sharedScopes: readonly string[];
  /** Third-party modules allowed per `type:*` tag (types not listed here are unrestricted). */
  allowedExternals: Readonly<Record<string, { code: readonly string[]; tests: readonly string[] }>>;
  /** Files that may also use the `tests` list of allowedExternals. */
  testFile: RegExp;
  /** What the domain files inside apps (aggregates, deciders, rules, values, decide) may not import. */
  appDomain: AppDomainRules;
}

/** One project-to-project dependency and the first import that creates it. */
export interface ProjectDependency {
  from: WorkspaceProject;
  to: WorkspaceProject;
  witness: SourceImport;
}

/**
 * Every broken rule as a readable line: tags of each project, then each import (naming the file
 * and the specifier), then imports of the domain files inside apps, then project-level dependency cycles. An empty list means the workspace obeys.
 */
export function checkBoundaries(
  projects: readonly WorkspaceProject[],
  imports: readonly SourceImport[],
  rules: BoundaryRules,
): string[] {
  return [
    ...projects.flatMap((project) => checkTags(project, rules)),
    ...imports.flatMap((entry) => checkImport(projects, entry, rules)),
    ...checkAppDomainImports(imports, rules.appDomain, rules.testFile),
    ...checkCycles(projectDependencies(projects, imports, rules)),
  ];
}

/** Project-to-project dependencies the imports create, one entry per pair. */
export function projectDependencies(
  projects: readonly WorkspaceProject[],
  imports: readonly SourceImport[],
  rules: Pick<BoundaryRules, 'workspaceScope'>,
): ProjectDependency[] {
  const found = new Map<string, ProjectDependency>();
  for (const entry of imports) {
    const from = owningProject(projects, entry.file);
    const target = resolveImport(projects, rules.workspaceScope, entry);
    if (!from || target.kind !== 'project') continue;
    const key = `${from.name} -> ${target.project.name}`;
    if (!found.has(key)) found.set(key, { from, to: target.project, witness: entry });
  }
  return [...found.values()];
}

function checkTags(project: WorkspaceProject, rules: BoundaryRules): string[] {
  const where = `${project.root}/package.json (${project.name})`;
  const types = project.tags.filter((tag) => tag.startsWith('type:'));
  const scopes = project.tags.filter((tag) => tag.startsWith('scope:'));
  const problems: string[] = [];
  if (types.length !== 1) problems.push(`${where}: needs exactly one type:* tag, has [${types.join(', ')}]`);
  if (scopes.length !== 1) problems.push(`${where}: needs exactly one scope:* tag, has [${scopes.join(', ')}]`);
  for (const type of types) {
    if (!(type in rules.mayDependOn)) problems.push(`${where}: unknown tag ${type}`);
  }
  return problems;
}

function checkImport(projects: readonly WorkspaceProject[], entry: SourceImport, rules: BoundaryRules): string[] {
  const from = owningProject(projects, entry.file);
  if (!from) return [];
  const target = resolveImport(projects, rules.workspaceScope, entry);
  const says = (reason: string) => [`${entry.file} imports '${entry.specifier}': ${reason}`];
  switch (target.kind) {
    case 'same-project':
      return [];
    case 'unknown-workspace-package':
      return says('no workspace project has that name');
    case 'outside-projects':
      return says(`path leaves ${from.root} and reaches no project (${target.path})`);
    case 'external':
      return externalAllowed(from, entry, target.module, rules)
        ? []
        : says(`${tagOf(from, 'type:')} code may not use '${target.module}'`);
    case 'project':
      return [
        ...(target.relative ? says(`path reaches into ${target.project.root}; import '${target.project.name}'`) : []),
        ...(!target.relative && !target.project.exportedSubpaths.includes(target.subpath)
          ? says(`'${target.subpath}' is not in ${target.project.name}'s package.json exports`)
          : []),
        ...dependencyProblems(from, target.project, rules).flatMap(says),
      ];
  }
}

function dependencyProblems(from: WorkspaceProject, to: WorkspaceProject, rules: BoundaryRules): string[] {
  const fromType = tagOf(from, 'type:');
  const toType = tagOf(to, 'type:');
  const fromScope = tagOf(from, 'scope:');
  const toScope = tagOf(to, 'scope:');
  const problems: string[] = [];
  if (fromType && toType && !(rules.mayDependOn[fromType] ?? []).includes(toType)) {
    problems.push(`${fromType} may not depend on ${toType} (${to.name})`);
  }
  if (fromScope && toScope && toScope !== fromScope && !rules.sharedScopes.includes(toScope)) {
    problems.push(`${fromScope} may not depend on ${toScope} (${to.name})`);
  }
  return problems;
}

function externalAllowed(from: WorkspaceProject, entry: SourceImport, module: string, rules: BoundaryRules): boolean {
  const allowed = rules.allowedExternals[tagOf(from, 'type:') ?? ''];
  if (!allowed) return true;
  return allowed.code.includes(module) || (rules.testFile.test(entry.file) && allowed.tests.includes(module));
}

function checkCycles(dependencies: readonly ProjectDependency[]): string[] {
  const edges = new Map<string, Set<string>>();
  const witnesses = new Map<string, SourceImport>();
  for (const { from, to, witness } of dependencies) {
    edges.set(from.name, (edges.get(from.name) ?? new Set()).add(to.name));
    witnesses.set(`${from.name} -> ${to.name}`, witness);
  }
  return findCycles(edges).map((cycle) => {
    const steps = cycle.slice(1).map((to, i) => witnesses.get(`${cycle[i]} -> ${to}`));
    const evidence = steps.map((w) => `${w?.file} imports '${w?.specifier}'`).join('; ');
    return `dependency cycle ${cycle.join(' -> ')}: ${evidence}`;
  });
}

function tagOf(project: WorkspaceProject, prefix: 'type:' | 'scope:'): string | undefined {
  const tags = project.tags.filter((tag) => tag.startsWith(prefix));
  return tags.length === 1 ? tags[0] : undefined;
}
