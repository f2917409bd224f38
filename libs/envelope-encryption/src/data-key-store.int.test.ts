import { randomBytes, randomUUID } from 'node:crypto';
import { APP_ROLE, tenantRlsStatements, WORKER_ROLE } from '@bizosaas/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DecryptionFailedError } from './aes-gcm.ts';
import { createDataKeyStore } from './data-key-store.ts';
import type { DataKeyTable } from './data-key-table.ts';
import { createMasterKeyring, type MasterKeyring } from './master-keyring.ts';
import { dataKeysByMasterKey, rewrapDataKeys } from './rewrap-data-keys.ts';

// The table as a service's migration makes it (event-bus: 20261122110552_tenant_data_keys).
const table: DataKeyTable = { schema: `dk_${randomUUID().slice(0, 8)}`, name: 'tenant_data_keys' };
const qualified = `"${table.schema}".tenant_data_keys`;
const masterKeys = { mk1: randomBytes(32).toString('base64'), mk2: randomBytes(32).toString('base64') };
let owner: pg.Pool;
let app: pg.Pool;
let worker: pg.Pool;

beforeAll(async () => {
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 2 });
  await owner.query(`CREATE SCHEMA "${table.schema}";
    CREATE TABLE ${qualified} (tenant_id uuid NOT NULL, version int NOT NULL CHECK (version >= 1), master_key_id text NOT NULL,
      wrapped_key bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), rewrapped_at timestamptz, PRIMARY KEY (tenant_id, version));
    ${tenantRlsStatements(table.schema, table.name)}
    GRANT USAGE ON SCHEMA "${table.schema}" TO ${APP_ROLE}, ${WORKER_ROLE};
    GRANT SELECT, INSERT ON ${qualified} TO ${APP_ROLE};
    GRANT SELECT, UPDATE ON ${qualified} TO ${WORKER_ROLE};
    CREATE POLICY worker_all ON ${qualified} TO ${WORKER_ROLE} USING (true) WITH CHECK (true)`);
  app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 4 });
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await Promise.all([app.end(), worker.end()]);
  await owner.query(`DROP SCHEMA "${table.schema}" CASCADE`);
  await owner.end();
});

const storeWith = (keyring: MasterKeyring) =>
  createDataKeyStore({ pool: app, keyring, table, cacheSize: 100, activeRefreshMs: 60_000 });
const keyringOf = (activeId: string, keys: Record<string, string> = masterKeys) =>
  createMasterKeyring(keys, { activeId });

describe('per-tenant data keys', () => {
  it('makes version 1 once when replicas race, and each replica gets the same key', async () => {
    const tenant = randomUUID();
    const replicas = [storeWith(keyringOf('mk1')), storeWith(keyringOf('mk1')), storeWith(keyringOf('mk1'))];
    const keys = await Promise.all(replicas.map((store) => store.active(tenant)));
    expect(keys.map((key) => key.version)).toEqual([1, 1, 1]);
    expect(new Set(keys.map((key) => key.key.toString('hex'))).size).toBe(1);
    expect(
      (await owner.query(`SELECT count(*)::int AS n FROM ${qualified} WHERE tenant_id = $1`, [tenant])).rows[0].n,
    ).toBe(1);
  });

  it("rotates to a new version while old versions keep opening, and never shows another tenant's keys", async () => {
    const [tenant, other] = [randomUUID(), randomUUID()];
    const store = storeWith(keyringOf('mk1'));
    const first = await store.active(tenant);
    expect(await store.rotate(tenant)).toMatchObject({ version: 2, masterKeyId: 'mk1', rewrappedAt: null });
    const second = await store.active(tenant);
    expect(second.version).toBe(2);
    expect(second.key.equals(first.key)).toBe(false);
    expect((await storeWith(keyringOf('mk1')).version(tenant, 1)).equals(first.key)).toBe(true);
    expect((await store.list(tenant)).map((key) => key.version)).toEqual([1, 2]);
    expect(await store.list(other)).toEqual([]);
    await expect(storeWith(keyringOf('mk1')).version(other, 1)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it("refuses a wrapped key copied onto another tenant's row", async () => {
    const [tenant, thief] = [randomUUID(), randomUUID()];
    await storeWith(keyringOf('mk1')).active(tenant);
    await owner.query(
      `INSERT INTO ${qualified} (tenant_id, version, master_key_id, wrapped_key)
      SELECT $2, version, master_key_id, wrapped_key FROM ${qualified} WHERE tenant_id = $1`,
      [tenant, thief],
    );
    await expect(storeWith(keyringOf('mk1')).version(thief, 1)).rejects.toThrow(/authentication failed/);
    await owner.query(`DELETE FROM ${qualified} WHERE tenant_id = $1`, [thief]); // a re-wrap would stop at it
  });

  it('re-wraps under the new master key keeping the key bytes, so the old master key can go', async () => {
    const tenant = randomUUID();
    const before = await storeWith(keyringOf('mk1')).active(tenant);
    const rewrapped = await rewrapDataKeys(worker, keyringOf('mk2'), table, 2);
    expect(rewrapped).toBeGreaterThanOrEqual(1);
    expect(await dataKeysByMasterKey(worker, table)).toEqual({ mk2: expect.any(Number) });
    const withoutOld = storeWith(createMasterKeyring({ mk2: masterKeys.mk2 }));
    expect((await withoutOld.version(tenant, 1)).equals(before.key)).toBe(true);
    expect((await withoutOld.list(tenant))[0]).toMatchObject({ masterKeyId: 'mk2', rewrappedAt: expect.any(String) });
    expect(await rewrapDataKeys(worker, keyringOf('mk2'), table)).toBe(0);
  });
});
