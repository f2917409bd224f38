import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { migrateDatabase } from '../migrations/migrate-database.ts';
import { fixtureTarget, loadFixtureClient } from '../testing/fixture-client.ts';
import type { FixtureClient } from '../testing/fixture-client.ts';
import { query, scratchDatabase } from '../testing/scratch-database.ts';
import { checkDatabase } from './check-database.ts';
import { createPgAdapter, createPgPool } from './create-pg-adapter.ts';

const db = scratchDatabase('check_db');
const clients: FixtureClient[] = [];
let PrismaClient: Awaited<ReturnType<typeof loadFixtureClient>>;

function connect(databaseUrl: string): FixtureClient {
  const client = new PrismaClient({
    adapter: createPgAdapter({ databaseUrl, poolMax: 2, schema: 'tenancy_fixture', connectionTimeoutMs: 1_000 }),
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  await migrateDatabase({ url: db.ownerUrl, targets: [fixtureTarget] });
  PrismaClient = await loadFixtureClient('check-database');
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.$disconnect()));
  await db.drop();
});

describe('checkDatabase', () => {
  it('resolves when PostgreSQL answers', async () => {
    await expect(checkDatabase(connect(db.appUrl))).resolves.toBeUndefined();
  });

  it('throws ServiceUnavailableError when nothing listens', async () => {
    const nowhere = new URL(db.appUrl);
    nowhere.port = '1';
    const error = await checkDatabase(connect(nowhere.toString())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  it('asks a pg pool directly: the pool under a Prisma client, ended by its $disconnect', async () => {
    const options = { databaseUrl: db.appUrl, poolMax: 2, schema: 'tenancy_fixture', connectionTimeoutMs: 1_000 };
    const pool = createPgPool(options);
    const client = new PrismaClient({ adapter: createPgAdapter(options, pool) });
    await expect(checkDatabase(pool)).resolves.toBeUndefined();
    expect(await pool.query('SHOW search_path')).toMatchObject({ rows: [{ search_path: 'tenancy_fixture' }] });
    await client.$queryRaw`SELECT 1`;
    await client.$disconnect();
    expect(pool.ended).toBe(true);
    const nowhere = new URL(db.appUrl);
    nowhere.port = '1';
    const down = createPgPool({ ...options, databaseUrl: nowhere.toString() });
    await expect(checkDatabase(down)).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    await down.end();
  });

  it('passes again once the server has dropped every pooled connection (as on a restart)', async () => {
    const client = connect(db.appUrl);
    await checkDatabase(client);
    const before = await client.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const terminated = await query<{ ok: boolean }>(
      db.ownerUrl,
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND usename = $2',
      [db.name, 'bizosaas_app'],
    );
    expect(terminated.length).toBeGreaterThan(0);
    // A probe may still meet a dead connection; the pool then discards it and the next one passes.
    await checkDatabase(client).catch(() => checkDatabase(client));
    await expect(checkDatabase(client)).resolves.toBeUndefined();
    const after = await client.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    expect(after[0]?.pid).not.toBe(before[0]?.pid);
  });
});
