import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchSchema, type Scratch } from '../store/test-support.ts';
import { pruneProcessedRecords } from './prune-processed-records.ts';

let scratch: Scratch;
beforeAll(async () => {
  scratch = await scratchSchema('prune');
});
afterAll(() => scratch.drop());

const now = new Date('2030-06-01T12:00:00Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);

describe('pruneProcessedRecords', () => {
  it('deletes inbox rows and idempotency results past their retention, in batches, and keeps the rest', async () => {
    const s = `"${scratch.schema}"`;
    const tenant = randomUUID();
    const inboxAges = [24 * 40, 24 * 31, 24 * 31, 24 * 29, 1];
    for (const [i, age] of inboxAges.entries()) {
      await scratch.owner.query(
        `INSERT INTO ${s}.inbox (consumer, event_id, tenant_id, processed_at) VALUES ('c', $1, $2, $3)`,
        [randomUUID(), tenant, hoursAgo(age + i / 100)],
      );
    }
    for (const [i, age] of [30, 25, 23, 0].entries()) {
      await scratch.owner.query(
        `INSERT INTO ${s}.idempotency_keys (tenant_id, command_type, idempotency_key, fingerprint, result, created_at)
         VALUES ($1, 'lead.qualify', $2, 'f', '{}', $3)`,
        [tenant, `k-${i}`, hoursAgo(age)],
      );
    }

    const result = await pruneProcessedRecords({
      pool: scratch.worker,
      schema: scratch.schema,
      batchSize: 2,
      now: () => now,
    });

    expect(result).toEqual({ inbox: 3, idempotencyKeys: 2 });
    const left = await scratch.owner.query(`SELECT
      (SELECT count(*)::int FROM ${s}.inbox) AS inbox,
      (SELECT array_agg(idempotency_key ORDER BY idempotency_key) FROM ${s}.idempotency_keys) AS keys`);
    expect(left.rows[0]).toEqual({ inbox: 2, keys: ['k-2', 'k-3'] });
    expect(await pruneProcessedRecords({ pool: scratch.worker, schema: scratch.schema, now: () => now })).toEqual({
      inbox: 0,
      idempotencyKeys: 0,
    });
  });
});
