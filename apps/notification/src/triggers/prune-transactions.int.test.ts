import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startTestApp, type TestApp } from '../test-support.ts';
import { pruneTriggerTransactions } from './prune-transactions.ts';

describe('pruneTriggerTransactions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` }, { features: [] });
  });
  afterAll(async () => {
    await t?.close();
  });

  // 13 and 11 hours old against a 12-hour window: other tests' rows are minutes old, and the
  // apps' own pruning (24 hours) leaves both.
  it('deletes the transactions of every tenant older than the window and keeps the younger ones', async () => {
    const now = new Date();
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const tenants = [randomUUID(), randomUUID()];
    for (const tenantId of tenants)
      await withTransaction(
        t.pool,
        (client) =>
          client.query(
            `INSERT INTO notification.trigger_transactions (tenant_id, transaction_id, fingerprint, response, created_at)
             VALUES ($1, 'old', 'f', '{}', $2), ($1, 'young', 'f', '{}', $3)`,
            [tenantId, hoursAgo(13), hoursAgo(11)],
          ),
        { tenantId },
      );
    expect(await pruneTriggerTransactions(t.worker, now, 12 * 3_600_000)).toBeGreaterThanOrEqual(2);
    const { rows } = await t.worker.query<{ tenant_id: string; transaction_id: string }>(
      'SELECT tenant_id, transaction_id FROM notification.trigger_transactions WHERE tenant_id = ANY($1) ORDER BY tenant_id',
      [tenants],
    );
    expect(rows.map((row) => row.transaction_id)).toEqual(['young', 'young']);
  });
});
