import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { APP_ROLE } from '../migrations/app-role.ts';
import { tenantRlsStatements } from '../migrations/tenant-rls.ts';
import { withTransaction } from './with-transaction.ts';

const schema = `tx_${randomUUID().slice(0, 8)}`;
const notes = `"${schema}".notes`;
const tenantA = randomUUID();
const tenantB = randomUUID();
let owner: pg.Pool;
let app: pg.Pool;

beforeAll(async () => {
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 2 });
  await owner.query(`CREATE SCHEMA "${schema}"; CREATE TABLE ${notes} (tenant_id uuid NOT NULL, body text NOT NULL UNIQUE);
    ${tenantRlsStatements(schema, 'notes')}
    GRANT USAGE ON SCHEMA "${schema}" TO ${APP_ROLE}; GRANT SELECT, INSERT ON ${notes} TO ${APP_ROLE}`);
  // One connection: each test reuses the connection earlier transactions ran on.
  app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 1 });
});
afterAll(async () => {
  await app.end();
  await owner.query(`DROP SCHEMA "${schema}" CASCADE`);
  await owner.end();
});

const insert = (client: pg.ClientBase, tenantId: string, body: string) =>
  client.query(`INSERT INTO ${notes} (tenant_id, body) VALUES ($1, $2)`, [tenantId, body]);
const bodies = (tenantId: string) =>
  withTransaction(
    app,
    async (client) =>
      (await client.query<{ body: string }>(`SELECT body FROM ${notes} ORDER BY body`)).rows.map((row) => row.body),
    { tenantId },
  );
const failureOf = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (error: unknown) => error,
  );

describe('withTransaction', () => {
  it("commits for the tenant, shows only that tenant's rows, and leaves no tenant set on the pooled connection", async () => {
    await withTransaction(app, (client) => insert(client, tenantA, 'a1'), { tenantId: tenantA });
    await withTransaction(app, (client) => insert(client, tenantB, 'b1'), { tenantId: tenantB });
    expect(await bodies(tenantA)).toEqual(['a1']);
    expect(await bodies(tenantB)).toEqual(['b1']);
    expect(
      await withTransaction(app, async (client) => (await client.query(`SELECT body FROM ${notes}`)).rows),
    ).toEqual([]);
    const wrongTenant = await failureOf(() =>
      withTransaction(app, (client) => insert(client, tenantB, 'b2'), { tenantId: tenantA }),
    );
    expect((wrongTenant as { code?: string }).code).toBe('42501'); // RLS WITH CHECK
  });

  it('rolls back and rethrows when the work throws', async () => {
    const boom = new Error('boom');
    const failure = await failureOf(() =>
      withTransaction(
        app,
        async (client) => {
          await insert(client, tenantA, 'rolled-back');
          throw boom;
        },
        { tenantId: tenantA },
      ),
    );
    expect(failure).toBe(boom);
    expect(await bodies(tenantA)).not.toContain('rolled-back');
  });

  it('fails, committing nothing, when the work swallowed a failed statement', async () => {
    const failure = await failureOf(() =>
      withTransaction(
        app,
        async (client) => {
          await insert(client, tenantA, 'before-duplicate');
          await insert(client, tenantA, 'a1').catch(() => undefined); // unique violation, transaction aborted
        },
        { tenantId: tenantA },
      ),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(await bodies(tenantA)).not.toContain('before-duplicate');
  });

  it('refuses a tenant id that is not a UUID before taking a connection', async () => {
    const pool = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 1 });
    const failure = await failureOf(() =>
      withTransaction(pool, () => Promise.resolve(), { tenantId: "x'); DROP TABLE notes; --" }),
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect(pool.totalCount).toBe(0);
    await pool.end();
  });

  it('applies the isolation level and local settings to this transaction only', async () => {
    const show = (client: pg.ClientBase) =>
      client.query<{ isolation: string; sync: string }>(
        `SELECT current_setting('transaction_isolation') AS isolation, current_setting('synchronous_commit') AS sync`,
      );
    const inside = await withTransaction(app, show, {
      isolation: 'SERIALIZABLE',
      settings: { synchronous_commit: 'off' },
    });
    expect(inside.rows[0]).toEqual({ isolation: 'serializable', sync: 'off' });
    expect((await withTransaction(app, show)).rows[0]).toEqual({ isolation: 'read committed', sync: 'on' });
  });

  it('destroys a connection that broke inside the transaction, and the pool serves the next one', async () => {
    const released: (Error | undefined)[] = [];
    const onRelease = (error: Error | undefined) => released.push(error);
    app.on('release', onRelease);
    const failure = await failureOf(() =>
      withTransaction(app, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await owner.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await client.query('SELECT 1');
      }),
    );
    app.off('release', onRelease);
    expect(failure).toBeInstanceOf(Error);
    expect(released).toEqual([expect.any(Error)]); // handed back as broken: the pool destroys it
    expect(app.totalCount).toBe(0);
    expect(await bodies(tenantA)).toContain('a1');
  });

  it('runs on a held client, which stays usable after a rollback', async () => {
    const client = new pg.Client({ connectionString: inject('appDatabaseUrl') });
    await client.connect();
    try {
      await failureOf(() =>
        withTransaction(
          client,
          async (held) => {
            await insert(held, tenantB, 'held-rolled-back');
            throw new Error('undo');
          },
          { tenantId: tenantB },
        ),
      );
      await withTransaction(client, (held) => insert(held, tenantB, 'held'), { tenantId: tenantB });
    } finally {
      await client.end();
    }
    expect(await bodies(tenantB)).toEqual(['b1', 'held']);
  });
});
