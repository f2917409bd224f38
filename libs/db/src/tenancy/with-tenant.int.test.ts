import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { createPgAdapter } from '../client/create-pg-adapter.ts';
import { migrateDatabase } from '../migrations/migrate-database.ts';
import { fixtureTarget, loadFixtureClient } from '../testing/fixture-client.ts';
import type { FixtureClient } from '../testing/fixture-client.ts';
import { query, scratchDatabase } from '../testing/scratch-database.ts';
import { withTenant } from './with-tenant.ts';

const db = scratchDatabase('with_tenant');
const tenantA = randomUUID();
const tenantB = randomUUID();
let app: FixtureClient;

beforeAll(async () => {
  await migrateDatabase({ url: db.ownerUrl, targets: [fixtureTarget] });
  const PrismaClient = await loadFixtureClient('with-tenant');
  // One connection: every test reuses the connection earlier tenant transactions ran on.
  app = new PrismaClient({
    adapter: createPgAdapter({ databaseUrl: db.appUrl, poolMax: 1, schema: 'tenancy_fixture' }),
  });
  await withTenant(app, tenantA, (tx) => tx.note.create({ data: { tenantId: tenantA, body: 'a1' } }));
  await withTenant(app, tenantA, (tx) => tx.note.create({ data: { tenantId: tenantA, body: 'a2' } }));
  await withTenant(app, tenantB, (tx) => tx.note.create({ data: { tenantId: tenantB, body: 'b1' } }));
});

afterAll(async () => {
  await app?.$disconnect();
  await db.drop();
});

describe('withTenant on a FORCE ROW LEVEL SECURITY table, as the app role', () => {
  it('connects as a role that is neither superuser nor BYPASSRLS nor the table owner', async () => {
    const [role] = await app.$queryRaw<{ user: string; rolsuper: boolean; rolbypassrls: boolean; owner: string }[]>`
      SELECT current_user AS user, r.rolsuper, r.rolbypassrls,
             (SELECT tableowner FROM pg_tables WHERE schemaname = 'tenancy_fixture' AND tablename = 'note') AS owner
      FROM pg_roles r WHERE r.rolname = current_user`;
    expect(role).toEqual({ user: 'bizosaas_app', rolsuper: false, rolbypassrls: false, owner: 'postgres' });
  });

  it("shows only the tenant's rows", async () => {
    const bodiesA = await withTenant(app, tenantA, (tx) => tx.note.findMany({ orderBy: { body: 'asc' } }));
    const bodiesB = await withTenant(app, tenantB, (tx) => tx.note.findMany());
    expect(bodiesA.map((note) => note.body)).toEqual(['a1', 'a2']);
    expect(bodiesB.map((note) => [note.body, note.tenantId])).toEqual([['b1', tenantB]]);
  });

  it("rejects writing another tenant's tenant_id and leaves the data unchanged", async () => {
    await expect(
      withTenant(app, tenantA, (tx) => tx.note.create({ data: { tenantId: tenantB, body: 'sneaky' } })),
    ).rejects.toThrow(/row-level security/);
    await expect(withTenant(app, tenantA, (tx) => tx.note.updateMany({ data: { tenantId: tenantB } }))).rejects.toThrow(
      /row-level security/,
    );
    const rows = await query<{ body: string; tenant_id: string }>(
      db.ownerUrl,
      'SELECT body, tenant_id FROM tenancy_fixture.note ORDER BY body',
    );
    expect(rows).toEqual([
      { body: 'a1', tenant_id: tenantA },
      { body: 'a2', tenant_id: tenantA },
      { body: 'b1', tenant_id: tenantB },
    ]);
  });

  it("cannot touch another tenant's rows", async () => {
    const deleted = await withTenant(app, tenantA, (tx) => tx.note.deleteMany({ where: { tenantId: tenantB } }));
    expect(deleted.count).toBe(0);
  });

  it('sees nothing outside a tenant transaction, also on a connection a tenant used before', async () => {
    expect(await app.note.findMany()).toEqual([]);
    const [setting] = await app.$queryRaw<
      { value: string | null }[]
    >`SELECT current_setting('app.current_tenant_id', true) AS value`;
    expect(setting?.value).toBe(''); // what SET LOCAL leaves behind: the policy's NULLIF matters
    await expect(app.note.create({ data: { tenantId: tenantA, body: 'no context' } })).rejects.toThrow(
      /row-level security/,
    );
  });

  it('rolls the unit of work back when it throws', async () => {
    const failing = withTenant(app, tenantA, async (tx) => {
      await tx.note.create({ data: { tenantId: tenantA, body: 'rolled back' } });
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    const bodies = await withTenant(app, tenantA, (tx) => tx.note.findMany());
    expect(bodies.map((note) => note.body).sort()).toEqual(['a1', 'a2']);
  });

  it('rejects a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(app, "x' OR true --", (tx) => tx.note.findMany())).rejects.toBeInstanceOf(ValidationError);
  });
});
