import type { EventEnvelope } from '@bizosaas/event-schemas';
import { toStreamFields } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { EVENT_COLUMNS, toRawEnvelope, type EventRow } from '../store/event-row.ts';
import { queryStatements } from '../store/query-statements.ts';
import { statementName } from '../store/sql-names.ts';

/** What one pass of the relay did. */
export type BatchOutcome =
  { kind: 'busy' } | { kind: 'published'; count: number; firstPosition?: string; lastPosition?: string };

export interface BatchContext {
  schema: string;
  redis: Redis;
  batchSize: number;
  /** PostgreSQL ends a relay session idle in its transaction this long (e.g. stuck on Redis). */
  transactionIdleTimeoutMs: number;
  /** Awaited after the XADDs, before COMMIT. */
  beforeCommit?: (outcome: { count: number; firstPosition: string; lastPosition: string }) => Promise<void> | void;
}

type OutboxRow = { position: string; stream_key: string; envelope: EventEnvelope | null } & Partial<EventRow>;

/** The claim's results, in hand when it was sent with the previous batch's COMMIT (chained). */
export type Claim = pg.QueryResult[];

export interface BatchStep {
  outcome: BatchOutcome;
  /** The next batch's claim, already run in a new transaction on the same connection. */
  next?: Claim;
}

/**
 * One relay transaction: take the schema's relay lock (transaction-scoped advisory lock, so
 * only one relay of a schema works at a time and the lock dies with the transaction), claim
 * the oldest rows (FOR UPDATE SKIP LOCKED), XADD them in one pipeline in position order,
 * delete them, commit. A crash before COMMIT leaves the rows in place: they are published
 * again (at least once, never lost).
 *
 * When `chain(count)` says more rows are waiting (a full batch, or commits since the claim), the
 * next batch's claim goes in the same round trip as this one's DELETE and COMMIT: one round
 * trip per batch while rows keep coming, instead of two and a pool checkout.
 *
 * The COMMIT does not wait for its WAL flush (synchronous_commit off for this transaction
 * only): the rows are on the stream by then, and a PostgreSQL crash that loses the deletion
 * brings them back to be published again, the same as a relay crash before COMMIT. A flush per
 * batch cost the relay a disk sync of a millisecond or more each time, and queued the writers'
 * own commits behind it.
 */
export async function relayBatch(
  client: pg.ClientBase,
  context: BatchContext,
  claimed?: Claim,
  chain?: (count: number) => boolean,
): Promise<BatchStep> {
  const results = claimed ?? (await queryStatements(client, claimStatements(client, context)));
  const locked = (results.at(-2)?.rows[0] as { locked?: boolean } | undefined)?.locked === true;
  const rows = (results.at(-1)?.rows ?? []) as OutboxRow[];
  if (rows.length === 0) {
    await client.query(locked ? 'COMMIT' : 'ROLLBACK');
    return { outcome: locked ? { kind: 'published', count: 0 } : { kind: 'busy' } };
  }
  await publish(context.redis, rows);
  const firstPosition = rows[0]!.position;
  const lastPosition = rows.at(-1)!.position;
  await context.beforeCommit?.({ count: rows.length, firstPosition, lastPosition });
  const more = chain?.(rows.length) === true;
  // Positions come from PostgreSQL as digits, so inlining them is safe and saves a round trip.
  const committed = await queryStatements(
    client,
    `EXECUTE ${relayStatements(context.schema).delete}('{${rows.map((row) => row.position).join(',')}}'); COMMIT${
      more ? `; ${claimStatements(client, context)}` : ''
    }`,
  );
  if (committed[1]?.command !== 'COMMIT') throw new Error('outbox relay transaction did not commit');
  const outcome: BatchOutcome = { kind: 'published', count: rows.length, firstPosition, lastPosition };
  return more ? { outcome, next: committed.slice(2) } : { outcome };
}

interface RelayStatements {
  /** The relay lock of the schema, as an SQL expression. */
  lock: string;
  claim: string;
  delete: string;
  /** PREPARE of both, sent with a connection's first claim. */
  prepare: string;
}

// Built once per schema; the names come from the statements' text (statementName).
const statementsBySchema = new Map<string, RelayStatements>();

function relayStatements(schema: string): RelayStatements {
  const known = statementsBySchema.get(schema);
  if (known) return known;
  const s = pg.escapeIdentifier(schema);
  const lock = `pg_try_advisory_xact_lock(hashtextextended(${pg.escapeLiteral(`outbox-relay:${schema}`)}, 0))`;
  // o.position in ORDER BY: a bare name there would mean the text output column.
  const claimText = `SELECT o.position::text AS position, o.stream_key, o.envelope, e.*
       FROM (SELECT position, stream_key, envelope, event_position FROM ${s}.outbox
             WHERE (SELECT ${lock})
             ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED) o
       LEFT JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE global_position = o.event_position LIMIT 1) e ON true
       ORDER BY o.position`;
  const deleteText = `DELETE FROM ${s}.outbox WHERE position = ANY($1)`;
  const claim = statementName('outbox_relay_claim', claimText);
  const del = statementName('outbox_relay_delete', deleteText);
  const statements = {
    lock,
    claim,
    delete: del,
    prepare: `PREPARE ${claim}(int) AS ${claimText}; PREPARE ${del}(bigint[]) AS ${deleteText}; `,
  };
  statementsBySchema.set(schema, statements);
  return statements;
}

// Connections on which a schema's relay statements are prepared: SQL PREPARE outlives any
// transaction and dies with the session (a connection whose state is in doubt is discarded).
const preparedOn = new WeakMap<pg.ClientBase, Set<string>>();

/**
 * Open, lock, claim, as one simple query. The claim and the delete are prepared once per
 * connection (SQL PREPARE, with the connection's first claim) and run on their generic plans
 * (plan_cache_mode, for this transaction only): planned anew for every batch, the claim cost
 * PostgreSQL more CPU than the rows it moved, and PostgreSQL keeps planning a statement whose
 * parameter makes its generic plan look dearer (LIMIT $1).
 *
 * The claim asks for the lock again (advisory locks are re-entrant) as a one-time subquery, so it
 * returns rows only to a relay holding the lock: a relay that failed the first try and won the
 * second (the holder just committed) may relay. The plan is fixed by the query's shape: the
 * oldest rows first, then one index lookup of each event (LIMIT 1 keeps the lateral subquery from
 * being flattened into a join). As a plain join, the planner's estimates of a young, churning
 * outbox chose a hash join over the whole events table for every batch until autovacuum
 * analysed it.
 */
function claimStatements(client: pg.ClientBase, context: BatchContext): string {
  const statements = relayStatements(context.schema);
  let prepared = preparedOn.get(client);
  if (!prepared) preparedOn.set(client, (prepared = new Set()));
  const prepare = prepared.has(context.schema) ? '' : statements.prepare;
  prepared.add(context.schema);
  return `${prepare}BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.trunc(context.transactionIdleTimeoutMs)};
     SET LOCAL synchronous_commit = off; SET LOCAL plan_cache_mode = force_generic_plan;
     SELECT ${statements.lock} AS locked;
     EXECUTE ${statements.claim}(${Math.trunc(context.batchSize)})`;
}

/**
 * One pipeline, in position order. Any failed XADD fails the batch (rolled back, republished
 * whole): a partly failed pipeline must not commit a later row without an earlier one.
 */
async function publish(redis: Redis, rows: readonly OutboxRow[]): Promise<void> {
  const pipeline = redis.pipeline();
  for (const row of rows) {
    // Stored events were parsed before they were appended: the relay forwards them as stored.
    const envelope = row.envelope ?? (toRawEnvelope(row as EventRow) as EventEnvelope);
    pipeline.xadd(row.stream_key, '*', ...toStreamFields(envelope));
  }
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (results.length !== rows.length || failed) {
    throw new Error(`outbox relay: XADD failed: ${failed?.[0]?.message ?? 'no reply'}`);
  }
}
