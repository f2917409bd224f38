// npm run db:create-migration -- <service> <name> — a new migration from schema.prisma changes.
import { relative } from 'node:path';
import { loadConfigOrExit } from '@bizosaas/config';
import { createMigration } from '../migrations/create-migration.ts';
import { SERVICE_NAMES, isServiceName, repoRoot, serviceTarget } from '../migrations/services.ts';
import { migrationEnv } from './config.ts';
import { exitWith } from './exit-with.ts';

const config = loadConfigOrExit(migrationEnv);
const [service, ...words] = process.argv.slice(2);

if (!service || !isServiceName(service) || words.length === 0) {
  process.stderr.write(
    `Usage: npm run db:create-migration -- <service> <name>\nServices: ${SERVICE_NAMES.join(', ')}\n`,
  );
  process.exit(64); // EX_USAGE
}

try {
  const result = await createMigration({
    url: config.MIGRATION_DATABASE_URL,
    target: serviceTarget(service),
    name: words.join(' '),
  });
  process.stdout.write(
    result.status === 'created'
      ? `${relative(repoRoot, result.directory)}/migration.sql\n`
      : `${service}: no changes (schema.prisma matches its migrations)\n`,
  );
  exitWith();
} catch (error) {
  exitWith(error, 'db:create-migration');
}
