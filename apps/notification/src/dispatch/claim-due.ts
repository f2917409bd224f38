import type pg from 'pg';

export interface ClaimedDelivery {
  messageId: string;
  tenantId: string;
  /** Attempts made before this one. */
  attempts: number;
}

/**
 * Claims due messages of every tenant (worker role): SKIP LOCKED, so replicas never take the same
 * row, and a lease in `claimed_until`, so a replica that dies mid-send only delays its messages
 * (another takes them over when the lease ends).
 */
export async function claimDue(worker: pg.Pool, now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await worker.query<{ message_id: string; tenant_id: string; attempts: number }>(
    `WITH due AS (
       SELECT message_id FROM notification.delivery_queue
       WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
       ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE notification.delivery_queue q SET claimed_until = $1::timestamptz + make_interval(secs => $3::float8 / 1000)
     FROM due WHERE q.message_id = due.message_id
     RETURNING q.message_id, q.tenant_id, q.attempts`,
    [now, limit, leaseMs],
  );
  return rows.map((row) => ({ messageId: row.message_id, tenantId: row.tenant_id, attempts: row.attempts }));
}

/** The delay before retry number `attempt` (1 = the first retry): doubling from `baseMs`, +-20% jitter. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exact = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(exact * (0.8 + 0.4 * random()));
}
