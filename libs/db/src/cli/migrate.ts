// npm run db:migrate — applies every service's migrations (offline) to MIGRATION_DATABASE_URL.
import { loadConfigOrExit } from '@bizosaas/config';
import { migrateDatabase } from '../migrations/migrate-database.ts';
import { redact } from '../migrations/database-url.ts';
import { migrationEnv } from './config.ts';
import { exitWith } from './exit-with.ts';

const config = loadConfigOrExit(migrationEnv);

try {
  process.stdout.write(`Migrating ${redact(config.MIGRATION_DATABASE_URL)}\n`);
  await migrateDatabase({
    url: config.MIGRATION_DATABASE_URL,
    appPassword: config.BIZOSAAS_APP_PASSWORD,
    workerPassword: config.BIZOSAAS_WORKER_PASSWORD,
    onApplied: ({ target, applied }) => {
      const outcome = applied.length === 0 ? 'up to date' : `applied ${applied.length} (${applied.join(', ')})`;
      process.stdout.write(`${target.name.padEnd(18)} ${target.pgSchema.padEnd(18)} ${outcome}\n`);
    },
  });
  exitWith();
} catch (error) {
  exitWith(error, 'db:migrate');
}
