import { ConcurrencyError, ValidationError } from '@bizosaas/ddd-kernel';
import { statementName } from './sql-names.ts';
import { streamId } from './stream-id.ts';
import type { AppendInput, PgClient, PgQueryable } from './types.ts';
import { validateAppend } from './validate-append.ts';

/**
 * Appends to many streams of one tenant in one statement: $1 tenant_id, $2 the events as one
 * JSON array (each with its stream, version, columns and outbox stream key or null), $3 the
 * streams that must be at their expected version (expected > 0) as [{s, v}]. New streams
 * (expected 0) rely on ON CONFLICT: a version another writer holds is skipped, and so is every
 * row when a guarded stream moved. The guard reads the stream's top version from `expected` up,
 * one backward step in the unique (stream_id, version) index (an EXISTS pair let the planner hash
 * the whole events table into a subplan); the count of rows written then falls short and appendMany
 * throws, so the caller's transaction rolls back whole. The tenant CTE is append-sql.ts's.
 */
export function appendManySql(schema: string): string {
  return `WITH tenant AS (
  SELECT set_config('app.current_tenant_id', COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), $1::text), true) AS id
), moved AS (
  SELECT FROM tenant, jsonb_to_recordset($3::jsonb) AS g(s text, v int)
  LEFT JOIN LATERAL (
    SELECT version FROM ${schema}.events WHERE stream_id = g.s AND version >= g.v AND tenant.id IS NOT NULL
    ORDER BY version DESC LIMIT 1) top ON true
  WHERE top.version IS DISTINCT FROM g.v
  LIMIT 1
), input AS (
  SELECT * FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (id uuid, s text, t text, a uuid, v int, type text,
    sv int, data jsonb, metadata jsonb, at timestamptz, k text)) WITH ORDINALITY AS e(id, s, t, a, v, type, sv, data,
    metadata, at, k, n)
), appended AS (
  INSERT INTO ${schema}.events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT input.id, $1::uuid, input.s, input.t, input.a, input.v, input.type, input.sv, input.data, input.metadata, input.at
  FROM tenant, input
  WHERE tenant.id IS NOT NULL AND NOT EXISTS (SELECT FROM moved)
  ORDER BY input.n
  ON CONFLICT (stream_id, version) DO NOTHING
  RETURNING global_position, event_id
), outboxed AS (
  INSERT INTO ${schema}.outbox (event_id, tenant_id, stream_key, event_position)
  SELECT appended.event_id, $1::uuid, input.k, appended.global_position
  FROM appended JOIN input ON input.id = appended.event_id
  WHERE input.k IS NOT NULL ORDER BY appended.global_position
)
SELECT count(*)::int AS written FROM appended`;
}

export interface AppendManyConfig {
  schema: string;
  streamKey: (aggregateType: string) => string;
  onOutboxWritten: (client: PgQueryable, committed: boolean) => void;
}

/**
 * `appendMany(client, inputs)`: append's guard and outbox for many streams of one tenant in one
 * round trip, inside the caller's transaction. All or nothing: when any stream is not at its
 * expected version (or a racing writer took one of its versions), it throws ConcurrencyError
 * naming no stream and the caller rolls back; append on each tells which stream and why.
 */
export function createAppendMany({ schema, streamKey, onOutboxWritten }: AppendManyConfig) {
  const text = appendManySql(schema);
  const name = statementName('es_append_many', text);
  return async function appendMany(client: PgClient, inputs: readonly AppendInput[]): Promise<void> {
    const events: unknown[] = [];
    const guards: { s: string; v: number }[] = [];
    const tenants = new Set(inputs.map((input) => input.tenantId));
    if (tenants.size > 1)
      throw new ValidationError('appendMany appends to streams of one tenant', [
        { path: 'tenantId', message: `got ${tenants.size} tenants` },
      ]);
    let outbox = false;
    for (const input of inputs) {
      validateAppend(input);
      if (input.events.length === 0) continue;
      const stream = streamId(input.aggregateType, input.aggregateId);
      if (input.expectedVersion > 0) guards.push({ s: stream, v: input.expectedVersion });
      const key = (input.outbox ?? true) ? streamKey(input.aggregateType) : null;
      outbox ||= key !== null;
      for (const event of input.events) {
        const { correlationId, causationId, actor } = event;
        events.push({
          id: event.id,
          s: stream,
          t: input.aggregateType,
          a: input.aggregateId,
          v: event.aggregateVersion,
          type: event.type,
          sv: event.schemaVersion,
          data: event.data,
          metadata: {
            ...event.metadata,
            correlationId: correlationId ?? null,
            causationId: causationId ?? null,
            actor,
          },
          at: event.occurredAt,
          k: key,
        });
      }
    }
    if (events.length === 0) return;
    const { rows } = await client.query<{ written: number }>({
      name,
      text,
      values: [[...tenants][0], JSON.stringify(events), JSON.stringify(guards)],
    });
    if (rows[0]?.written !== events.length) throw new ConcurrencyError(-1, -1);
    if (outbox) onOutboxWritten(client, false);
  };
}
