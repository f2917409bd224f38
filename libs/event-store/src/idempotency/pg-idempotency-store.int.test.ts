import { randomUUID } from 'node:crypto';
import { idempotencyStoreContract } from './idempotency-store-contract.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchSchema, type Scratch } from '../store/test-support.ts';
import { createPgIdempotencyStore } from './pg-idempotency-store.ts';

let scratch: Scratch;
beforeAll(async () => {
  scratch = await scratchSchema('idempotency');
});
afterAll(() => scratch.drop());

idempotencyStoreContract('postgres', async () => ({
  store: createPgIdempotencyStore({ pool: scratch.app, schema: scratch.schema }),
}));

describe('PostgreSQL idempotency store', () => {
  it("keeps tenants apart by RLS: one tenant's row is invisible to another and to platform commands", async () => {
    const store = createPgIdempotencyStore({ pool: scratch.app, schema: scratch.schema });
    const tenant = randomUUID();
    const key = { tenantId: tenant, commandType: 'lead.qualify', key: 'k-1' };
    await store.put(key, { fingerprint: 'f', result: { ok: true } });
    await store.put({ ...key, tenantId: null }, { fingerprint: 'platform', result: 1 });

    const { rows } = await scratch.owner.query(
      `SELECT tenant_id FROM "${scratch.schema}".idempotency_keys WHERE idempotency_key = 'k-1' ORDER BY tenant_id`,
    );
    expect(rows).toEqual([{ tenant_id: tenant }, { tenant_id: null }]);
    // Reading as another tenant through RLS directly, not through the key's scope.
    const other = await scratch.app.connect();
    try {
      await other.query(`BEGIN; SELECT set_config('app.current_tenant_id', '${randomUUID()}', true)`);
      expect((await other.query(`SELECT 1 FROM "${scratch.schema}".idempotency_keys`)).rows).toEqual([]);
      await other.query('ROLLBACK');
    } finally {
      other.release();
    }
    expect(await store.get({ ...key, tenantId: null })).toEqual({ fingerprint: 'platform', result: 1 });
  });
});
