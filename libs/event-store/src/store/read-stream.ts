import { parseEvent, type EventCatalogue, type EventOf } from '@bizosaas/event-schemas';
import { streamId } from './stream-id.ts';
import { EVENT_COLUMNS, toRawEnvelope, type EventRow } from './event-row.ts';
import { statementName } from './sql-names.ts';
import type { PgClient, ReadStreamInput } from './types.ts';

/** Builds readStream for one store: events from a version on, upcast by parseEvent (rows are never rewritten). */
export function createReadStream<C extends EventCatalogue>(schema: string, catalogue: C) {
  const text = `SELECT ${EVENT_COLUMNS} FROM ${schema}.events WHERE stream_id = $1 AND version >= $2 ORDER BY version`;
  const name = statementName('es_read_stream', text);

  return async function readStream(client: PgClient, input: ReadStreamInput): Promise<EventOf<C>[]> {
    const values = [streamId(input.aggregateType, input.aggregateId), input.fromVersion ?? 1];
    const { rows } = await client.query<EventRow>({ name, text, values });
    return rows.map((row) => parseEvent(toRawEnvelope(row), catalogue));
  };
}
