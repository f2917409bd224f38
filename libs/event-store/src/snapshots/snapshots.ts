import { streamId } from '../store/stream-id.ts';
import { statementName } from '../store/sql-names.ts';
import type { PgClient, SaveSnapshotInput, StoredSnapshot, StreamRef } from '../store/types.ts';

/** Builds loadSnapshot and saveSnapshot for one store's `snapshots` table (one row per stream). */
export function createSnapshots(schema: string) {
  const loadText = `SELECT version, schema_version, state FROM ${schema}.snapshots WHERE stream_id = $1`;
  // `<=`: a newer state shape may replace a snapshot of the same version; an older version never wins.
  const saveText = `INSERT INTO ${schema}.snapshots AS s (stream_id, tenant_id, aggregate_type, version, schema_version, state)
VALUES ($1, $2, $3, $4, $5, $6::jsonb)
ON CONFLICT (stream_id) DO UPDATE
  SET version = EXCLUDED.version, schema_version = EXCLUDED.schema_version, state = EXCLUDED.state, taken_at = now()
  WHERE s.version <= EXCLUDED.version`;
  const loadName = statementName('es_load_snapshot', loadText);
  const saveName = statementName('es_save_snapshot', saveText);

  async function loadSnapshot(client: PgClient, input: StreamRef): Promise<StoredSnapshot | null> {
    const values = [streamId(input.aggregateType, input.aggregateId)];
    const { rows } = await client.query<{ version: number; schema_version: number; state: unknown }>({
      name: loadName,
      text: loadText,
      values,
    });
    const row = rows[0];
    return row ? { version: row.version, schemaVersion: row.schema_version, state: row.state } : null;
  }

  async function saveSnapshot(client: PgClient, input: SaveSnapshotInput): Promise<void> {
    const id = streamId(input.aggregateType, input.aggregateId);
    const values = [
      id,
      input.tenantId,
      input.aggregateType,
      input.version,
      input.schemaVersion,
      JSON.stringify(input.state),
    ];
    await client.query({ name: saveName, text: saveText, values });
  }

  return { loadSnapshot, saveSnapshot };
}

/**
 * Whether a stream that moved from `previousVersion` to `version` crossed a multiple of
 * `every`; batches can jump over the exact multiple, so equality with it is not enough.
 */
export function crossedSnapshotPoint(every: number, version: number, previousVersion = version - 1): boolean {
  return Math.floor(version / every) > Math.floor(previousVersion / every);
}
