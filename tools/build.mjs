// Bundles each app's src/main.ts (with the workspace libs it imports) into apps/<app>/dist/main.js.
// Packages from node_modules stay external: smaller bundles, one copy of each dependency, and
// the same code paths the tests exercise. Run: npm run build [-- app ...]
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const requested = process.argv.slice(2);
const apps = readdirSync(join(root, 'apps')).filter(
  (app) => existsSync(join(root, 'apps', app, 'src', 'main.ts')) && (requested.length === 0 || requested.includes(app)),
);

const externalNodeModules = {
  name: 'external-node-modules',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@bizosaas/') ? undefined : { path: args.path, external: true },
    );
  },
};

const started = performance.now();
await Promise.all(
  apps.map((app) =>
    build({
      entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
      outfile: join(root, 'apps', app, 'dist', 'main.js'),
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'esm',
      sourcemap: true,
      logLevel: 'warning',
      plugins: [externalNodeModules],
    }),
  ),
);
console.log(`built ${apps.length} app(s) in ${Math.round(performance.now() - started)} ms: ${apps.join(', ')}`);
