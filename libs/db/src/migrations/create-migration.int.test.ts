import { execFile } from 'node:child_process';
import { appendFile, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, scratchDatabase } from '../testing/scratch-database.ts';
import { applyMigrations } from './apply-migrations.ts';
import { createMigration } from './create-migration.ts';
import { migrateDatabase } from './migrate-database.ts';
import { repoRoot, serviceTarget } from './services.ts';
import type { MigrationTarget } from './services.ts';

const run = promisify(execFile);
const db = scratchDatabase('create_migration');
let target: MigrationTarget;

const LEAD_MODEL = `
model Lead {
  id       String @id @default(uuid()) @db.Uuid
  tenantId String @map("tenant_id") @db.Uuid
  name     String @default("a;b")

  @@index([tenantId])
  @@map("lead")
  @@schema("campaign")
}
`;

beforeAll(async () => {
  const prismaDir = await mkdtemp(join(tmpdir(), 'bizosaas-create-migration-'));
  await cp(serviceTarget('campaign').prismaDir, prismaDir, { recursive: true });
  // A service as a new one starts: its schema.prisma and the migration that creates its schema.
  // (campaign's later migrations are hand-written SQL that schema.prisma does not describe.)
  const migrations = join(prismaDir, 'migrations');
  for (const entry of await readdir(migrations, { withFileTypes: true }))
    if (entry.isDirectory() && !entry.name.endsWith('_init_schema'))
      await rm(join(migrations, entry.name), { recursive: true });
  target = { name: 'campaign', pgSchema: 'campaign', prismaDir };
  await migrateDatabase({ url: db.ownerUrl, targets: [target] });
});

afterAll(async () => {
  await db.drop();
  if (target) await rm(target.prismaDir, { recursive: true, force: true });
});

describe('createMigration (npm run db:create-migration)', () => {
  it('says "no changes" when schema.prisma matches the migrations', async () => {
    expect(await createMigration({ url: db.ownerUrl, target, name: 'nothing' })).toEqual({ status: 'no-changes' });
  });

  it('writes the SQL for a new tenant model, with its row-level security', async () => {
    await appendFile(join(target.prismaDir, 'schema.prisma'), LEAD_MODEL);
    const result = await createMigration({
      url: db.ownerUrl,
      target,
      name: 'Add lead',
      now: new Date('2099-01-02T03:04:05Z'),
    });
    expect(result).toMatchObject({
      status: 'created',
      directory: join(target.prismaDir, 'migrations', '20990102030405_add_lead'),
    });
    const sql = result.status === 'created' ? result.sql : '';
    expect(sql).toContain('CREATE TABLE "campaign"."lead" (');
    expect(sql).toContain(`"name" TEXT NOT NULL DEFAULT 'a;b'`);
    expect(sql).toContain('ALTER TABLE "campaign"."lead" FORCE ROW LEVEL SECURITY;');
    expect(sql).toContain(`CREATE POLICY "tenant_isolation" ON "campaign"."lead"`);
    expect(await readdir(join(target.prismaDir, 'migrations'))).toContain('20990102030405_add_lead');
  });

  it('then finds no changes: the RLS statements do not count as drift', async () => {
    expect(await createMigration({ url: db.ownerUrl, target, name: 'again' })).toEqual({ status: 'no-changes' });
  });

  it('produces a migration that applies: forced RLS, the policy and the app role grants', async () => {
    // A hand-written one too: dollar quotes and semicolons in strings go through whole.
    const handWritten = join(target.prismaDir, 'migrations', '20990102030406_seed_comment');
    await mkdir(handWritten);
    await writeFile(
      join(handWritten, 'migration.sql'),
      `DO $$ BEGIN EXECUTE 'COMMENT ON TABLE campaign.lead IS ''leads; per tenant'''; END $$;\n`,
    );
    expect(await applyMigrations(db.ownerUrl, target)).toEqual([
      '20990102030405_add_lead',
      '20990102030406_seed_comment',
    ]);
    const [table] = await query(
      db.ownerUrl,
      `
      SELECT c.relrowsecurity, c.relforcerowsecurity, obj_description(c.oid) AS comment,
             (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'campaign' AND p.tablename = 'lead') AS policies,
             has_table_privilege('bizosaas_app', c.oid, 'SELECT,INSERT,UPDATE,DELETE') AS app_can_write
      FROM pg_class c WHERE c.oid = 'campaign.lead'::regclass`,
    );
    expect(table).toEqual({
      relrowsecurity: true,
      relforcerowsecurity: true,
      comment: 'leads; per tenant',
      policies: 1,
      app_can_write: true,
    });
  });

  it('runs as a command: usage errors, and "no changes" for an unchanged service', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'libs/db/src/cli/create-migration.ts', ...args], {
        cwd: repoRoot,
        env: { ...process.env, MIGRATION_DATABASE_URL: db.ownerUrl },
      });
    await expect(cli('no-such-service', 'x')).rejects.toMatchObject({
      code: 64,
      stderr: expect.stringContaining('Usage'),
    });
    const { stdout } = await cli('notification', 'nothing');
    expect(stdout).toBe('notification: no changes (schema.prisma matches its migrations)\n');
  });
});
