import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, projectDependencies, type BoundaryRules } from './check-boundaries.ts';
import { readNxProjectDependencies } from './nx-project-graph.ts';
import type { SourceImport, WorkspaceProject } from './resolve-import.ts';
import { collectImports } from './source-imports.ts';
import { readWorkspaceProjects } from './workspace-projects.ts';

/** The project boundaries (README.md beside this file). A pair not listed is forbidden: no lib may use an app. */
const RULES: BoundaryRules = {
  workspaceScope: '@bizosaas/',
  mayDependOn: {
    'type:app': ['type:domain', 'type:infra', 'type:util'],
    'type:infra': ['type:infra', 'type:domain', 'type:util'],
    'type:domain': ['type:domain', 'type:util'],
    'type:util': ['type:util'],
  },
  sharedScopes: ['scope:shared'],
  allowedExternals: {
    // Domain code stays free of I/O: no fastify, ioredis, pg, prisma; only pure built-ins.
    'type:domain': {
      code: ['zod', 'node:crypto', 'node:util', 'node:assert', 'node:buffer'],
      tests: ['vitest', 'fast-check', 'ajv', 'ajv-formats'],
    },
  },
  testFile: /\.test\.ts$/,
  // Apps are type:app and may use anything; their decide/evolve files may not (see app-domain-code.ts).
  appDomain: {
    forbiddenModules: [
      'pg',
      'ioredis',
      'fastify',
      'undici',
      '@bizosaas/event-store',
      '@bizosaas/messaging',
      '@bizosaas/db',
    ],
    forbiddenFolders: ['write-side'],
  },
};

const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

describe('the workspace', () => {
  const projects = readWorkspaceProjects(repoRoot);
  const imports = collectImports(repoRoot, projects);
  const edges = projectDependencies(projects, imports, RULES).map((d) => `${d.from.name} -> ${d.to.name}`);

  it('sees the projects and the dependencies their sources create', () => {
    expect(projects.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@bizosaas/api-gateway', '@bizosaas/ddd-kernel']),
    );
    expect(edges).toEqual(expect.arrayContaining(['@bizosaas/analytics -> @bizosaas/service-kit']));
  });

  it('obeys every boundary rule', () => {
    expect(checkBoundaries(projects, imports, RULES)).toEqual([]);
  });

  it('has the same project graph as Nx computes', () => {
    expect(readNxProjectDependencies(repoRoot)).toEqual([...edges].sort());
  });
});

describe('checkBoundaries', () => {
  const project = (root: string, tags: string[], exportedSubpaths = ['.']): WorkspaceProject => ({
    name: `@bizosaas/${root.split('/')[1]}`,
    root,
    tags,
    exportedSubpaths,
  });
  const projects = [
    project('apps/campaign', ['scope:campaign', 'type:app']),
    project('apps/analytics', ['scope:analytics', 'type:app']),
    project('libs/kernel', ['scope:shared', 'type:domain']),
    project('libs/store', ['scope:shared', 'type:infra'], ['.', './testing']),
    project('libs/config', ['scope:shared', 'type:util']),
    project('libs/campaign-rules', ['scope:campaign', 'type:domain']),
    project('libs/event-store', ['scope:shared', 'type:infra']),
  ];
  const check = (...imports: SourceImport[]) => checkBoundaries(projects, imports, RULES);

  it('accepts imports that follow the rules', () => {
    expect(
      check(
        { file: 'apps/campaign/src/main.ts', specifier: '@bizosaas/store/testing' },
        { file: 'apps/campaign/src/main.ts', specifier: '@bizosaas/campaign-rules' },
        { file: 'apps/campaign/src/main.ts', specifier: './app.ts' },
        { file: 'libs/store/src/index.ts', specifier: '@bizosaas/kernel' },
        { file: 'libs/kernel/src/id.ts', specifier: 'node:crypto' },
        { file: 'libs/kernel/src/id.test.ts', specifier: 'fast-check' },
      ),
    ).toEqual([]);
  });

  it('names the file and import of each forbidden project dependency', () => {
    expect(
      check(
        { file: 'apps/campaign/src/main.ts', specifier: '@bizosaas/analytics' },
        { file: 'libs/kernel/src/a.ts', specifier: '@bizosaas/store' },
        { file: 'libs/config/src/a.ts', specifier: '@bizosaas/campaign' },
        { file: 'apps/analytics/src/a.ts', specifier: '@bizosaas/campaign-rules' },
      ),
    ).toEqual([
      "apps/campaign/src/main.ts imports '@bizosaas/analytics': type:app may not depend on type:app (@bizosaas/analytics)",
      "apps/campaign/src/main.ts imports '@bizosaas/analytics': scope:campaign may not depend on scope:analytics (@bizosaas/analytics)",
      "libs/kernel/src/a.ts imports '@bizosaas/store': type:domain may not depend on type:infra (@bizosaas/store)",
      "libs/config/src/a.ts imports '@bizosaas/campaign': type:util may not depend on type:app (@bizosaas/campaign)",
      "libs/config/src/a.ts imports '@bizosaas/campaign': scope:shared may not depend on scope:campaign (@bizosaas/campaign)",
      "apps/analytics/src/a.ts imports '@bizosaas/campaign-rules': scope:analytics may not depend on scope:campaign (@bizosaas/campaign-rules)",
    ]);
  });

  it('keeps infrastructure packages out of domain code, test tools out of its non-test files', () => {
    expect(
      check(
        { file: 'libs/kernel/src/a.ts', specifier: 'ioredis' },
        { file: 'libs/kernel/src/b.ts', specifier: '@prisma/client/runtime' },
        { file: 'libs/kernel/src/c.ts', specifier: 'fs' },
        { file: 'libs/kernel/src/d.ts', specifier: 'vitest' },
        { file: 'libs/store/src/e.ts', specifier: 'pg' },
      ),
    ).toEqual([
      "libs/kernel/src/a.ts imports 'ioredis': type:domain code may not use 'ioredis'",
      "libs/kernel/src/b.ts imports '@prisma/client/runtime': type:domain code may not use '@prisma/client'",
      "libs/kernel/src/c.ts imports 'fs': type:domain code may not use 'node:fs'",
      "libs/kernel/src/d.ts imports 'vitest': type:domain code may not use 'vitest'",
    ]);
  });

  it('keeps infrastructure packages and the write side out of the domain files of apps', () => {
    const offer = 'apps/campaign/src/offer';
    const domainImports: SourceImport[] = [
      { file: `${offer}/offer-decider.ts`, specifier: './publish-offer/publish-offer.ts' },
      { file: `${offer}/offer.ts`, specifier: 'pg' },
      { file: `${offer}/offer-decider.ts`, specifier: '@bizosaas/event-store' },
      { file: `${offer}/offer-values.ts`, specifier: 'ioredis' },
      { file: `${offer}/offer-rules.ts`, specifier: 'undici' },
      { file: `${offer}/offer-policy.ts`, specifier: 'fastify/types/hooks' },
      { file: `${offer}/publish-offer/publish-offer.ts`, specifier: '../../write-side/command-handler.ts' },
      { file: `${offer}/publish-offer/publish-offer.ts`, specifier: '../offer-rules.ts' },
    ];
    const elsewhere: SourceImport[] = [
      // The slice's route, the aggregate's projection, tests, and folders without a decider are not domain code.
      { file: `${offer}/publish-offer/publish-offer.route.ts`, specifier: '../../write-side/command-handler.ts' },
      { file: `${offer}/offer-list/offer-list.projection.ts`, specifier: '@bizosaas/event-store' },
      { file: `${offer}/offer.property.test.ts`, specifier: '../write-side/stored-round-trip.ts' },
      { file: 'apps/campaign/src/jobs/jobs.ts', specifier: 'pg' },
      { file: 'apps/campaign/src/write-side/write-side.ts', specifier: 'pg' },
    ];
    expect(check(...domainImports, ...elsewhere)).toEqual([
      "apps/campaign/src/offer/offer.ts imports 'pg': domain code (decide/evolve) may not use 'pg'",
      "apps/campaign/src/offer/offer-decider.ts imports '@bizosaas/event-store': domain code (decide/evolve) may not use '@bizosaas/event-store'",
      "apps/campaign/src/offer/offer-values.ts imports 'ioredis': domain code (decide/evolve) may not use 'ioredis'",
      "apps/campaign/src/offer/offer-rules.ts imports 'undici': domain code (decide/evolve) may not use 'undici'",
      "apps/campaign/src/offer/offer-policy.ts imports 'fastify/types/hooks': domain code (decide/evolve) may not use 'fastify'",
      "apps/campaign/src/offer/publish-offer/publish-offer.ts imports '../../write-side/command-handler.ts': domain code (decide/evolve) may not use the app's write-side/",
    ]);
  });

  it('reports relative paths out of a project, unknown packages and unexported subpaths', () => {
    expect(
      check(
        { file: 'apps/campaign/src/main.ts', specifier: '../../../libs/kernel/src/index.ts' },
        { file: 'apps/campaign/src/main.ts', specifier: '../../../vitest.config.ts' },
        { file: 'apps/campaign/src/main.ts', specifier: '@bizosaas/nowhere' },
        { file: 'apps/campaign/src/main.ts', specifier: '@bizosaas/store/src/pool.ts' },
      ),
    ).toEqual([
      "apps/campaign/src/main.ts imports '../../../libs/kernel/src/index.ts': path reaches into libs/kernel; import '@bizosaas/kernel'",
      "apps/campaign/src/main.ts imports '../../../vitest.config.ts': path leaves apps/campaign and reaches no project (vitest.config.ts)",
      "apps/campaign/src/main.ts imports '@bizosaas/nowhere': no workspace project has that name",
      "apps/campaign/src/main.ts imports '@bizosaas/store/src/pool.ts': './src/pool.ts' is not in @bizosaas/store's package.json exports",
    ]);
  });

  it('reports dependency cycles with the imports that close them', () => {
    expect(
      check(
        { file: 'libs/kernel/src/a.ts', specifier: '@bizosaas/campaign-rules' },
        { file: 'libs/campaign-rules/src/b.ts', specifier: '@bizosaas/kernel' },
      ).filter((line) => line.startsWith('dependency cycle')),
    ).toEqual([
      "dependency cycle @bizosaas/campaign-rules -> @bizosaas/kernel -> @bizosaas/campaign-rules: libs/campaign-rules/src/b.ts imports '@bizosaas/kernel'; libs/kernel/src/a.ts imports '@bizosaas/campaign-rules'",
    ]);
  });

  it('requires exactly one type and one scope tag per project', () => {
    const untagged = [
      project('libs/loose', ['type:util', 'type:domain']),
      project('libs/bare', ['scope:shared', 'type:lib']),
    ];
    expect(checkBoundaries(untagged, [], RULES)).toEqual([
      'libs/loose/package.json (@bizosaas/loose): needs exactly one type:* tag, has [type:util, type:domain]',
      'libs/loose/package.json (@bizosaas/loose): needs exactly one scope:* tag, has []',
      'libs/bare/package.json (@bizosaas/bare): unknown tag type:lib',
    ]);
  });
});
