import { streamId } from './stream-id.ts';
import { statementName } from './sql-names.ts';
import type { PgClient, StreamRef } from './types.ts';

/** Builds streamVersion for one store: the stream's max version as the caller's tenant sees it (0 if none). */
export function createStreamVersion(schema: string) {
  const text = `SELECT COALESCE(max(version), 0)::int AS version FROM ${schema}.events WHERE stream_id = $1`;
  const name = statementName('es_stream_version', text);
  return async function streamVersion(client: PgClient, input: StreamRef): Promise<number> {
    const values = [streamId(input.aggregateType, input.aggregateId)];
    const { rows } = await client.query<{ version: number }>({ name, text, values });
    return rows[0]?.version ?? 0;
  };
}
