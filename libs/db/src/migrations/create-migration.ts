import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addTenantRls } from './add-tenant-rls.ts';
import { ensureAppRole } from './app-role.ts';
import { NO_FILTERS, withTargetEngine } from './apply-migrations.ts';
import { maintenanceUrl } from './database-url.ts';
import { LOCKFILE_CONTENT, LOCKFILE_NAME, readMigrationList } from './migration-list.ts';
import { sqlStatements } from './sql-statements.ts';
import type { MigrationTarget } from './services.ts';

export interface CreateMigrationOptions {
  /** Any owner connection on the server; scratch databases are created and dropped there. */
  url: string;
  target: MigrationTarget;
  name: string;
  now?: Date;
}

export type CreateMigrationResult = { status: 'created'; directory: string; sql: string } | { status: 'no-changes' };

/**
 * `prisma migrate dev --create-only`, offline: replays the target's migrations into a scratch
 * database, diffs that against schema.prisma and writes the SQL (plus the tenant RLS
 * statements for new tenant tables) to `migrations/<UTC timestamp>_<name>/migration.sql`.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const { target } = options;
  const slug = migrationSlug(options.name);
  // The migrations grant to the app role, so replaying them needs it (cluster-wide, idempotent).
  await ensureAppRole(options.url);
  const generated = await diffMigrationsToSchema(options.url, target);
  if (sqlStatements(generated).length === 0) return { status: 'no-changes' };
  const sql = addTenantRls(generated, target.pgSchema);
  const directory = await writeMigration(target, slug, sql, options.now);
  return { status: 'created', directory, sql };
}

/**
 * Writes `sql` as the target's newest migration, `migrations/<UTC timestamp>_<name>/migration.sql`
 * (for SQL that schema.prisma does not describe, e.g. the event store's tables in a schema of
 * their own). Returns the directory.
 */
export async function writeMigration(
  target: MigrationTarget,
  name: string,
  sql: string,
  now = new Date(),
): Promise<string> {
  const migrationsDir = join(target.prismaDir, 'migrations');
  const directoryName = `${timestamp(now)}_${migrationSlug(name)}`;
  await assertSortsLast(target.prismaDir, directoryName);
  const directory = join(migrationsDir, directoryName);
  await mkdir(migrationsDir, { recursive: true });
  await mkdir(directory); // fails rather than overwrite a migration of the same second and name
  await writeFile(join(directory, 'migration.sql'), sql);
  await access(join(migrationsDir, LOCKFILE_NAME)).catch(() =>
    writeFile(join(migrationsDir, LOCKFILE_NAME), LOCKFILE_CONTENT),
  );
  return directory;
}

async function diffMigrationsToSchema(url: string, target: MigrationTarget): Promise<string> {
  // No default schema: the generated SQL then names each table's schema explicitly.
  const adapter = { url: maintenanceUrl(url), searchPath: target.pgSchema };
  return withTargetEngine(target, adapter, async (engine, { datamodel, migrationsList }) => {
    const { stdout } = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [datamodel] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return stdout ?? '';
  });
}

/** Prisma's directory naming: lower-case words joined by underscores. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) throw new Error(`Bad migration name: "${name}"`);
  return slug;
}

// Migrations apply in name order: one dated before the newest would run out of order elsewhere.
async function assertSortsLast(prismaDir: string, directoryName: string): Promise<void> {
  const { migrationDirectories } = await readMigrationList(prismaDir);
  const newest = migrationDirectories.at(-1)?.path;
  if (newest && newest >= directoryName) {
    throw new Error(`${directoryName} would sort before the existing ${newest}; is the clock right?`);
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}
