import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually, newLeadBody, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { EVENT_STORE_SCHEMA } from './write-side.ts';

let t: TestApp;
let owner: pg.Pool;
beforeAll(async () => {
  t = await startTestApp({ PRUNE_INTERVAL_MS: '100', IDEMPOTENCY_RETENTION_MS: '60000' });
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 1 });
});
afterAll(async () => {
  await t.close();
  await owner.end();
});

describe('pruning of processed records', () => {
  it('deletes Idempotency-Key results past their retention, after which the key is free again, and keeps younger ones', async () => {
    const caller = await tenantCaller(t.key);
    const create = (key: string, body = newLeadBody()) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/leads',
        headers: { ...caller.headers, 'idempotency-key': key },
        payload: body,
      });
    const [oldKey, youngKey] = [randomUUID(), randomUUID()];
    expect((await create(oldKey)).statusCode).toBe(201);
    expect((await create(youngKey)).statusCode).toBe(201);
    // The same key with another body is refused while its result is kept.
    expect((await create(oldKey)).json().details.rule).toBe('idempotency_key.reused');
    await owner.query(
      `UPDATE ${EVENT_STORE_SCHEMA}.idempotency_keys SET created_at = now() - interval '2 minutes' WHERE idempotency_key = $1`,
      [oldKey],
    );

    const keys = () =>
      owner.query<{ idempotency_key: string }>(
        `SELECT idempotency_key FROM ${EVENT_STORE_SCHEMA}.idempotency_keys WHERE idempotency_key = ANY($1)`,
        [[oldKey, youngKey]],
      );
    await eventually(keys, ({ rows }) => expect(rows.map((row) => row.idempotency_key)).toEqual([youngKey]));
    expect((await create(oldKey)).statusCode).toBe(201);
  });
});
