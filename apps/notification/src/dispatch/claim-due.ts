import type pg from 'pg';
import { undeliverableSql } from '../messages/undeliverable.ts';
import type { QueuedMessage } from './prepare-send.ts';

export interface ClaimedDelivery {
  messageId: string;
  tenantId: string;
  /** Attempts made before this one. */
  attempts: number;
  /** The end of this replica's lease on it (claimed_until as claimed). */
  claimedUntil: Date;
  /** The message as the claim read it, with its stream version then. */
  message: QueuedMessage & { version: number };
  /** The address bounced, complained or (SMS) opted out after the message was requested. */
  suppressedAs: 'bounced' | 'complained' | 'unsubscribed' | null;
}

/**
 * Claims due messages of every tenant (worker role) and reads them in the same statement:
 * SKIP LOCKED, so replicas never take the same row, and a lease in `claimed_until`, so a replica
 * that dies mid-send only delays its messages (another takes them over when the lease ends).
 */
export async function claimDue(worker: pg.Pool, now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const { rows } = await worker.query<{
    message_id: string;
    tenant_id: string;
    attempts: number;
    claimed_until: Date;
    message: QueuedMessage & { version: number };
    suppressed_as: 'bounced' | 'complained' | 'unsubscribed' | null;
  }>({
    name: 'notification-claim-due',
    text: `WITH due AS (
       SELECT message_id FROM notification.delivery_queue
       WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
       ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
     claimed AS (
       UPDATE notification.delivery_queue q SET claimed_until = $1::timestamptz + make_interval(secs => $3::float8 / 1000)
       FROM due WHERE q.message_id = due.message_id
       RETURNING q.message_id, q.tenant_id, q.attempts, q.claimed_until)
     SELECT c.message_id, c.tenant_id, c.attempts, c.claimed_until,
       json_build_object('id', m.id, 'tenantId', m.tenant_id, 'channel', m.channel, 'status', m.status,
         'userId', m.user_id, 'address', m.address, 'subject', m.subject, 'body', m.body, 'data', m.data,
         'templateKey', m.template_key, 'templateVersion', m.template_version, 'category', m.category,
         'critical', m.critical, 'version', m.version,
         'isDigest', EXISTS (SELECT 1 FROM notification.digests d WHERE d.id = m.id)) AS message,
       (SELECT s.reason FROM notification.suppressions s
        WHERE s.tenant_id = m.tenant_id AND s.channel = m.channel AND s.address = m.address
          AND ${undeliverableSql('m.channel', 's.reason')}) AS suppressed_as
     FROM claimed c JOIN notification.messages m ON m.id = c.message_id`,
    values: [now, limit, leaseMs],
  });
  return rows.map((row) => ({
    messageId: row.message_id,
    tenantId: row.tenant_id,
    attempts: row.attempts,
    claimedUntil: row.claimed_until,
    message: row.message,
    suppressedAs: row.suppressed_as,
  }));
}

/** The delay before retry number `attempt` (1 = the first retry): doubling from `baseMs`, +-20% jitter. */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exact = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(exact * (0.8 + 0.4 * random()));
}
