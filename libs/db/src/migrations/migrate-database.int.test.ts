import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { query, scratchDatabase } from '../testing/scratch-database.ts';
import { ensureAppRole } from './app-role.ts';
import { MigrationError } from './apply-migrations.ts';
import { migrateDatabase } from './migrate-database.ts';
import { readMigrationList } from './migration-list.ts';
import { SERVICE_NAMES, repoRoot, serviceTarget } from './services.ts';

const run = promisify(execFile);
const db = scratchDatabase('migrate');
const other = scratchDatabase('migrate_other');
const schemas = SERVICE_NAMES.map((name) => name.replaceAll('-', '_'));
const scratchDirs: string[] = [];
/** Each service's migrations on disk, in the order they apply. */
const onDisk = async (name: (typeof SERVICE_NAMES)[number]) =>
  (await readMigrationList(serviceTarget(name).prismaDir)).migrationDirectories.map((directory) => directory.path);

function migrateCli(url: string) {
  const env = { ...process.env, MIGRATION_DATABASE_URL: url };
  return run(process.execPath, ['--import', 'tsx', 'libs/db/src/cli/migrate.ts'], { cwd: repoRoot, env });
}

afterAll(async () => {
  await Promise.all([db.drop(), other.drop(), ...scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))]);
});

describe('migrateDatabase (npm run db:migrate)', () => {
  it("creates the database and applies every service's migrations, in order", async () => {
    const results = await migrateDatabase({ url: db.ownerUrl });
    expect(results.map((result) => result.target.name)).toEqual([...SERVICE_NAMES]);
    for (const result of results) {
      const migrations = await onDisk(result.target.name as (typeof SERVICE_NAMES)[number]);
      expect(migrations[0]).toBe('20261122031133_init_schema');
      expect(result.applied).toEqual(migrations);
    }
    const history = await query<{ schema: string; rows: number }>(
      db.ownerUrl,
      `SELECT table_schema AS schema, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I._prisma_migrations WHERE finished_at IS NOT NULL', table_schema), false, true, '')))[1]::text::int AS rows
       FROM information_schema.tables WHERE table_name = '_prisma_migrations' ORDER BY 1`,
    );
    const counts = new Map(
      await Promise.all(
        SERVICE_NAMES.map(async (name) => [name.replaceAll('-', '_'), (await onDisk(name)).length] as const),
      ),
    );
    expect(history).toEqual([...schemas].sort().map((schema) => ({ schema, rows: counts.get(schema) })));
  });

  it('applies nothing on a second run', async () => {
    const results = await migrateDatabase({ url: db.ownerUrl });
    expect(results.map((result) => result.applied)).toEqual(SERVICE_NAMES.map(() => []));
  });

  it('leaves the app role unprivileged: login, no superuser, no BYPASSRLS, owns nothing, USAGE on each schema', async () => {
    const [role] = await query(
      db.ownerUrl,
      "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'bizosaas_app'",
    );
    expect(role).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolbypassrls: false,
      rolcreatedb: false,
      rolcreaterole: false,
    });
    expect(await ensureAppRole(db.ownerUrl)).toBe('unchanged');
    const owned = await query(
      db.ownerUrl,
      "SELECT nspname FROM pg_namespace WHERE nspowner = 'bizosaas_app'::regrole UNION ALL SELECT relname FROM pg_class WHERE relowner = 'bizosaas_app'::regrole",
    );
    expect(owned).toEqual([]);
    const usage = await query<{ schema: string }>(
      db.ownerUrl,
      "SELECT nspname AS schema FROM pg_namespace WHERE has_schema_privilege('bizosaas_app', oid, 'USAGE') AND nspname = ANY($1) ORDER BY 1",
      [schemas],
    );
    expect(usage.map((row) => row.schema)).toEqual([...schemas].sort());
    const [migrations] = await query(
      db.ownerUrl,
      "SELECT has_table_privilege('bizosaas_app', 'campaign._prisma_migrations', 'SELECT') AS readable",
    );
    expect(migrations).toEqual({ readable: false });
  });

  it('migrates a second database on the same server (the role is cluster-wide)', async () => {
    const results = await migrateDatabase({ url: other.ownerUrl });
    for (const result of results)
      expect(result.applied).toEqual(await onDisk(result.target.name as (typeof SERVICE_NAMES)[number]));
  });

  it('stops at a failing migration and names the service', async () => {
    const prismaDir = await mkdtemp(join(tmpdir(), 'bizosaas-migrate-'));
    scratchDirs.push(prismaDir);
    await cp(serviceTarget('campaign').prismaDir, prismaDir, { recursive: true });
    await mkdir(join(prismaDir, 'migrations', '20991231000000_broken'));
    await writeFile(
      join(prismaDir, 'migrations', '20991231000000_broken', 'migration.sql'),
      'CREATE TABLE campaign.oops (id int REFERENCES nowhere(id));',
    );
    const target = { name: 'campaign', pgSchema: 'campaign', prismaDir };
    const error = await migrateDatabase({ url: db.ownerUrl, targets: [target] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/^campaign: .*nowhere/s);
  });

  it('runs as a command: one line per service, and a clear non-zero exit on failure', async () => {
    const { stdout } = await migrateCli(other.ownerUrl);
    const lines = stdout.trim().split('\n').slice(1);
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([...SERVICE_NAMES]);
    expect(lines.every((line) => line.endsWith('up to date'))).toBe(true);

    const unreachable = new URL(other.ownerUrl);
    unreachable.port = '1';
    const failure = await migrateCli(unreachable.toString()).catch(
      (caught: { code: number; stderr: string }) => caught,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/^db:migrate failed: .*ECONNREFUSED/) });
  });
});
