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

  // Dated in 2000, so the cutoff touches no other test's rows.
  it('deletes the transactions of every tenant older than the window and keeps the younger ones', async () => {
    const now = new Date('2000-01-02T00:00:00Z');
    const tenants = [randomUUID(), randomUUID()];
    for (const tenantId of tenants)
      await withTransaction(
        t.pool,
        (client) =>
          client.query(
            `INSERT INTO notification.trigger_transactions (tenant_id, transaction_id, fingerprint, response, created_at)
             VALUES ($1, 'old', 'f', '{}', $2), ($1, 'young', 'f', '{}', $3)`,
            [tenantId, new Date('2000-01-01T00:00:00Z'), new Date('2000-01-01T12:00:01Z')],
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
