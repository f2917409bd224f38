import { ensureAppRole } from './app-role.ts';
import { applyMigrations } from './apply-migrations.ts';
import { ensureDatabase } from './ensure-database.ts';
import { serviceTargets } from './services.ts';
import type { MigrationTarget } from './services.ts';

export interface MigrateDatabaseOptions {
  /** Owner connection to the database to migrate (created when missing). */
  url: string;
  /** Sets the app role's password; when omitted a new role gets the dev default. */
  appPassword?: string;
  /** Sets the worker role's password; when omitted a new role gets the dev default. */
  workerPassword?: string;
  /** Defaults to every service, in SERVICE_NAMES order. */
  targets?: MigrationTarget[];
  onApplied?: (result: MigrationResult) => void;
}

export interface MigrationResult {
  target: MigrationTarget;
  applied: string[];
}

/**
 * What `npm run db:migrate` does: ensure the app role and the database exist, then apply each
 * target's migrations in order, stopping at the first failure (MigrationError).
 */
export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<MigrationResult[]> {
  await ensureAppRole(options.url, options.appPassword, options.workerPassword);
  await ensureDatabase(options.url);
  const results: MigrationResult[] = [];
  for (const target of options.targets ?? serviceTargets()) {
    const result = { target, applied: await applyMigrations(options.url, target) };
    options.onApplied?.(result);
    results.push(result);
  }
  return results;
}
