// npm run db:generate [-- --force] — `prisma generate` for every service schema, offline.
// A client newer than its schema and than the installed Prisma is kept, so a warm start skips it.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadConfigOrExit } from '@bizosaas/config';
import { generateClients } from '../migrations/generate-client.ts';
import { serviceTargets } from '../migrations/services.ts';
import { migrationEnv } from './config.ts';
import { exitWith } from './exit-with.ts';

const config = loadConfigOrExit(migrationEnv);

const prismaInstalled = createRequire(import.meta.url).resolve('prisma/package.json');
const mtime = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const isStale = (prismaDir: string) => {
  const client = mtime(join(prismaDir, '..', 'src', 'generated', 'prisma', 'client.ts'));
  return client < mtime(join(prismaDir, 'schema.prisma')) || client < mtime(prismaInstalled);
};

try {
  const force = process.argv.includes('--force');
  const targets = serviceTargets().filter((target) => force || isStale(target.prismaDir));
  if (targets.length === 0) process.stdout.write('prisma clients up to date\n');
  await generateClients(
    targets.map((target) => join(target.prismaDir, 'schema.prisma')),
    config.PRISMA_SCHEMA_ENGINE_BINARY,
    (_, index) => process.stdout.write(`generated apps/${targets[index]!.name}/src/generated/prisma\n`),
  );
  exitWith();
} catch (error) {
  exitWith(error, 'db:generate');
}
