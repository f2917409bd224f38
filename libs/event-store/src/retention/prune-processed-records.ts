import type pg from 'pg';
import { quotedSchema } from '../store/sql-names.ts';

export interface PruneOptions {
  /** Worker-role pool (deletes across tenants). */
  pool: pg.Pool;
  schema: string;
  /**
   * Inbox rows older than this are deleted. It must outlast every way an event can come back:
   * the stream's retention, reclaiming, and dead-letter redrives; an event redelivered after
   * its inbox row is gone would be applied again. Default 30 days.
   */
  inboxRetentionMs?: number;
  /** Idempotency-Key results older than this are deleted (a client's retry window). Default 24 h. */
  idempotencyRetentionMs?: number;
  /** Rows per DELETE, so one run never holds long locks or bloats one transaction. Default 5000. */
  batchSize?: number;
  /** The clock; injected in tests. */
  now?: () => Date;
}

export interface PruneResult {
  inbox: number;
  idempotencyKeys: number;
}

/**
 * Deletes processed-event records and idempotency results past their retention, in batches of
 * autocommitted DELETEs (each removes the oldest rows first, by the created/processed index).
 * Run it periodically; concurrent runs are safe (a row one deletes, the other skips).
 */
export async function pruneProcessedRecords(options: PruneOptions): Promise<PruneResult> {
  const s = quotedSchema(options.schema);
  const now = (options.now ?? (() => new Date()))().getTime();
  const batch = options.batchSize ?? 5_000;
  const inboxBefore = new Date(now - (options.inboxRetentionMs ?? 30 * 86_400_000));
  const keysBefore = new Date(now - (options.idempotencyRetentionMs ?? 86_400_000));
  return {
    inbox: await deleteInBatches(
      options.pool,
      batch,
      `DELETE FROM ${s}.inbox WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${s}.inbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2))`,
      inboxBefore,
    ),
    idempotencyKeys: await deleteInBatches(
      options.pool,
      batch,
      `DELETE FROM ${s}.idempotency_keys WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${s}.idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT $2))`,
      keysBefore,
    ),
  };
}

async function deleteInBatches(pool: pg.Pool, batch: number, text: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(text, [before, batch]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < batch) return total;
  }
}
