/**
 * The append as one prepared statement: the tenant, the guard, the events and (optionally) the
 * outbox rows. Parameters: $1 stream_id, $2 tenant_id, $3 aggregate_type, $4 aggregate_id,
 * $5 expected version, $6 the envelopes as one JSON array, $7 the outbox stream key.
 *
 * - tenant: outside a tenant transaction (appendInOwnTransaction, autocommit) the statement
 *   sets `app.current_tenant_id` for itself; inside one the tenant stays, so RLS rejects events
 *   of another. The guard reads `tenant.id`, so it cannot run before the setting is made.
 * - guard: the stream is at `expected` exactly when version `expected` exists (nothing to
 *   check for a new stream) and `expected + 1` does not, versions being gapless. The first is a
 *   point lookup in the unique (stream_id, version) index whatever the statistics say (a
 *   max(version) guard got generic plans reading the whole stream, RLS-checking every row).
 *   The second is the unique index itself: a writer that raced us to `expected + 1` makes us
 *   wait for its commit, and ON CONFLICT DO NOTHING turns the clash into a missing row.
 * - any missing row sends the statement into `append_conflict`, which raises: nothing of the
 *   batch survives, in or out of a transaction.
 * - outbox rows point at the appended events (event_position); the relay joins them back.
 *   Every data-modifying CTE runs to completion, so when the guard fails there are no events
 *   and no outbox rows, and when a version clashes the whole statement raises.
 * Rows flow from the array in order into the events insert (no node between reorders them), so
 * versions and global positions follow the array; the outbox insert sorts by global position.
 */
export function appendSql(schema: string, outbox: boolean): string {
  const outboxed = `, outboxed AS (
  INSERT INTO ${schema}.outbox (event_id, tenant_id, stream_key, event_position)
  SELECT event_id, $2::uuid, $7::text, global_position FROM appended ORDER BY global_position
)`;
  return `WITH tenant AS (
  SELECT set_config('app.current_tenant_id', COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), $2::text), true) AS id
), guard AS (
  SELECT FROM tenant
  WHERE $5::int = 0
     OR EXISTS (SELECT FROM ${schema}.events WHERE stream_id = $1::text AND version = $5::int AND tenant.id IS NOT NULL)
), appended AS (
  INSERT INTO ${schema}.events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT (d->>'id')::uuid, $2::uuid, $1::text, $3::text, $4::uuid, $5::int + n::int, d->>'type', (d->>'schemaVersion')::int,
         d->'data',
         COALESCE(d->'metadata', '{}'::jsonb)
           || jsonb_build_object('correlationId', d->'correlationId', 'causationId', d->'causationId', 'actor', d->'actor'),
         (d->>'occurredAt')::timestamptz
  FROM guard, jsonb_array_elements($6::jsonb) WITH ORDINALITY AS e(d, n)
  ON CONFLICT (stream_id, version) DO NOTHING
  RETURNING global_position, event_id
)${outbox ? outboxed : ''}
SELECT CASE WHEN count(*) = jsonb_array_length($6::jsonb) THEN array_agg(global_position)::text[]
            ELSE ${schema}.append_conflict($1::text, $5::int, $6::jsonb) END AS positions
FROM appended`;
}

/**
 * The same append for exactly one event, its columns as scalar parameters instead of a JSON
 * array to unpack (the common case of a command: one event; measurably cheaper to plan and run).
 * Parameters: $1..$5 as appendSql, $6 event_id, $7 type, $8 schema_version, $9 data, $10 metadata,
 * $11 occurred_at, $12 the outbox stream key.
 */
export function appendOneSql(schema: string, outbox: boolean): string {
  const outboxed = `, outboxed AS (
  INSERT INTO ${schema}.outbox (event_id, tenant_id, stream_key, event_position)
  SELECT event_id, $2::uuid, $12::text, global_position FROM appended
)`;
  return `WITH tenant AS (
  SELECT set_config('app.current_tenant_id', COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), $2::text), true) AS id
), appended AS (
  INSERT INTO ${schema}.events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT $6::uuid, $2::uuid, $1::text, $3::text, $4::uuid, $5::int + 1, $7::text, $8::int, $9::jsonb, $10::jsonb, $11::timestamptz
  FROM tenant
  WHERE $5::int = 0
     OR EXISTS (SELECT FROM ${schema}.events WHERE stream_id = $1::text AND version = $5::int AND tenant.id IS NOT NULL)
  ON CONFLICT (stream_id, version) DO NOTHING
  RETURNING global_position, event_id
)${outbox ? outboxed : ''}
SELECT CASE WHEN count(*) = 1 THEN array_agg(global_position)::text[]
            ELSE ${schema}.append_conflict($1::text, $5::int, jsonb_build_array(jsonb_build_object('id', $6::text))) END AS positions
FROM appended`;
}
