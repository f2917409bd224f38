// npm run db:generate — `prisma generate` for every service schema, offline.
import { join } from 'node:path';
import { loadConfigOrExit } from '@bizosaas/config';
import { generateClients } from '../migrations/generate-client.ts';
import { serviceTargets } from '../migrations/services.ts';
import { migrationEnv } from './config.ts';
import { exitWith } from './exit-with.ts';

const config = loadConfigOrExit(migrationEnv);

try {
  const targets = serviceTargets();
  await generateClients(
    targets.map((target) => join(target.prismaDir, 'schema.prisma')),
    config.PRISMA_SCHEMA_ENGINE_BINARY,
    (_, index) => process.stdout.write(`generated apps/${targets[index]!.name}/src/generated/prisma\n`),
  );
  exitWith();
} catch (error) {
  exitWith(error, 'db:generate');
}
