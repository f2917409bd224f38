import { parseEvent, type EventCatalogue, type EventOf } from '@bizosaas/event-schemas';
import { EVENT_COLUMNS, toRawEnvelope, type EventRow } from './event-row.ts';
import { statementName } from './sql-names.ts';
import { START_CHECKPOINT, type PgQueryable, type ReadAllInput, type ReadAllResult } from './types.ts';

type PositionedRow = EventRow & { transaction_id: string; global_position: string };

/**
 * Only rows written by transactions older than the oldest one still running are returned:
 * those are final (committed or invisible forever), so a transaction that inserted early and
 * commits late holds the reader back instead of being skipped. The xmin comes from the
 * statement's own snapshot, the one the rows are read with.
 */
function readAllSql(schema: string, filtered: boolean): string {
  // ORDER BY names the table's columns: a bare name would bind to the text output column of the
  // same name and sort '100' before '99', ending a page at the wrong place.
  return `SELECT transaction_id::text, global_position::text, ${EVENT_COLUMNS}
FROM ${schema}.events e
WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())${filtered ? '\n  AND aggregate_type = ANY($4::text[])' : ''}
ORDER BY e.transaction_id, e.global_position
LIMIT $3`;
}

/** Builds readAll for one store (worker role: sees every tenant). */
export function createReadAll<C extends EventCatalogue>(schema: string, catalogue: C) {
  const texts = { true: readAllSql(schema, true), false: readAllSql(schema, false) };
  const names = { true: statementName('es_read_all', texts.true), false: statementName('es_read_all', texts.false) };

  return async function readAll(client: PgQueryable, input: ReadAllInput): Promise<ReadAllResult<EventOf<C>>> {
    const after = input.after ?? START_CHECKPOINT;
    const filtered = input.aggregateTypes !== undefined;
    const values: unknown[] = [after.transactionId, after.globalPosition, input.limit];
    if (filtered) values.push(input.aggregateTypes);
    const { rows } = await client.query<PositionedRow>({
      name: names[`${filtered}`],
      text: texts[`${filtered}`],
      values,
    });
    const events = rows.map((row) => ({
      ...parseEvent(toRawEnvelope(row), catalogue),
      transactionId: row.transaction_id,
      globalPosition: row.global_position,
    }));
    const last = rows.at(-1);
    const checkpoint = last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : after;
    return { events, checkpoint };
  };
}
