import type pg from 'pg';

/**
 * Deletes the trigger transactions older than the idempotency window (worker role, every
 * tenant): past it, the same transactionId is a new intent. Their messages stay.
 */
export async function pruneTriggerTransactions(worker: pg.Pool, now: Date, retentionMs: number): Promise<number> {
  const { rowCount } = await worker.query('DELETE FROM notification.trigger_transactions WHERE created_at < $1', [
    new Date(now.getTime() - retentionMs),
  ]);
  return rowCount ?? 0;
}
