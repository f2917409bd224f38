import type pg from 'pg';
import { toRawEnvelope, type EventRow } from '../store/event-row.ts';
import { statementName } from '../store/sql-names.ts';
import type { GlobalCheckpoint } from '../store/types.ts';
import { qualified } from './table-names.ts';

/** One row of the global log; `envelope` is null for a type the caller did not ask for. */
export interface LogEvent {
  readonly position: GlobalCheckpoint;
  readonly type: string;
  readonly envelope: Record<string, unknown> | null;
}

type LogRow = Omit<EventRow, 'data' | 'metadata'> & {
  log_transaction_id: string;
  log_position: string;
  data: unknown;
  metadata: Record<string, unknown> | null;
};

/**
 * Reads the global log after `after`, in commit order, up to `limit` rows, with the SQL of the
 * store's readAll: only rows of transactions older than the oldest one still running, so a
 * transaction that commits late is read later, never skipped.
 *
 * Projections read with this rather than readAll because it builds envelopes (and they are
 * then parsed) only for the types asked for (`types`, null = all): the rows of other types
 * still come back (position and type) so the checkpoint moves past them, their payload is not
 * transferred, and an event type a projection does not know can never stop it.
 */
export async function readEventsAfter(
  client: pg.ClientBase,
  schema: string,
  after: GlobalCheckpoint,
  limit: number,
  types: readonly string[] | null,
): Promise<LogEvent[]> {
  const text = readSql(schema);
  const { rows } = await client.query<LogRow>({
    name: statementName('es_projection_read', text),
    text,
    values: [after.transactionId, after.globalPosition, limit, types],
  });
  return rows.map((row) => ({
    position: { transactionId: row.log_transaction_id, globalPosition: row.log_position },
    type: row.type,
    envelope: row.metadata === null ? null : toRawEnvelope({ ...row, metadata: row.metadata }),
  }));
}

// The text copies of the position get names of their own: ORDER BY resolves a bare name to an
// output column first, and ordering by the text ('100' < '99') would break commit order.
const readSql = (
  schema: string,
) => `SELECT transaction_id::text AS log_transaction_id, global_position::text AS log_position, type,
       event_id, schema_version, tenant_id, aggregate_type, aggregate_id, version, occurred_at,
       CASE WHEN $4::text[] IS NULL OR type = ANY($4::text[]) THEN data END AS data,
       CASE WHEN $4::text[] IS NULL OR type = ANY($4::text[]) THEN metadata END AS metadata
  FROM ${qualified(schema, 'events')}
 WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id, global_position
 LIMIT $3`;

/**
 * Whether committed rows after `after` wait behind the snapshot horizon: an older transaction
 * (anywhere on the server) is still open. Its commit may send no notification, so the reader
 * should look again soon rather than sleep a whole polling interval.
 */
export async function heldBehindHorizon(
  client: pg.ClientBase,
  schema: string,
  after: GlobalCheckpoint,
): Promise<boolean> {
  const { rows } = await client.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${qualified(schema, 'events')}
                     WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                       AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held`,
    [after.transactionId, after.globalPosition],
  );
  return rows[0]?.held === true;
}
