/**
 * The append as one prepared statement: the tenant, the guard, the events and (optionally) the
 * outbox rows; it returns one row (`position`) per event, in version order. Parameters: $1
 * stream_id, $2 tenant_id, $3 aggregate_type, $4 aggregate_id, $5 expected version, $6 the
 * envelopes as one JSON array, $7 the outbox stream key.
 *
 * - tenant: outside a tenant transaction (appendInOwnTransaction, autocommit) the statement
 *   sets `app.current_tenant_id` for itself; inside one the tenant stays, so RLS rejects events
 *   of another. The guard reads `tenant.id`, so it cannot run before the setting is made.
 * - existing stream (expected > 0): versions being gapless, the stream is at `expected` when
 *   version `expected` exists and `expected + 1` does not (two point lookups in the unique
 *   (stream_id, version) index whatever the statistics say; a max(version) guard got generic
 *   plans reading the whole stream, RLS-checking every row). Seeing version `expected` also
 *   proves the stream is this tenant's. A guard that fails writes no row, and append.ts asks
 *   append_conflict why. A writer that passed the same guard and got to `expected + 1` first
 *   makes the plain insert wait for its commit, then fail with a unique violation, which
 *   append.ts turns into a ConcurrencyError. So the batch is written whole or not at all.
 *   Not ON CONFLICT DO NOTHING, whose speculative insertion costs an index probe and a WAL record
 *   per row, nor an outer SELECT collecting the positions into an array, which needs a
 *   data-modifying CTE under an aggregate (with both, tools/bench/event-store-append measured
 *   batches of 100 at 77% of raw INSERTs; without, 91-104%).
 * - new stream (expected 0): a clash on its versions may be a racing creator or another tenant's
 *   stream, which RLS hides; the two must answer 409 and 404, so its insert keeps ON CONFLICT
 *   DO NOTHING, and a batch whose rows did not all go in calls append_conflict in the statement,
 *   failing it whole (a batch must not keep the versions past the winner's).
 * - outbox rows point at the appended events (event_position); the relay joins them back.
 * Rows flow from the array in order into the events insert (no node between reorders them), so
 * versions and global positions follow the array; the outbox insert sorts by global position.
 */
export function appendSql(schema: string, outbox: boolean, newStream: boolean): string {
  const events = `INSERT INTO ${schema}.events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT (d->>'id')::uuid, $2::uuid, $1::text, $3::text, $4::uuid, $5::int + n::int, d->>'type', (d->>'schemaVersion')::int,
         d->'data',
         COALESCE(d->'metadata', '{}'::jsonb)
           || jsonb_build_object('correlationId', d->'correlationId', 'causationId', d->'causationId', 'actor', d->'actor'),
         (d->>'occurredAt')::timestamptz
  FROM tenant, jsonb_array_elements($6::jsonb) WITH ORDINALITY AS e(d, n)
  WHERE ${streamGuard(schema, newStream)}`;
  const outboxRows = `INSERT INTO ${schema}.outbox (event_id, tenant_id, stream_key, event_position)
  SELECT event_id, $2::uuid, $7::text, global_position FROM appended ORDER BY global_position`;
  if (!newStream) return `${TENANT}\n${withOutbox(events, outbox ? outboxRows : undefined)}`;
  return `${TENANT}, appended AS (
  ${events}
  ON CONFLICT (stream_id, version) DO NOTHING
  RETURNING global_position, event_id
)${outbox ? `, outboxed AS (\n  ${outboxRows}\n)` : ''}
SELECT unnest(CASE WHEN count(*) = jsonb_array_length($6::jsonb) THEN array_agg(global_position ORDER BY global_position)::text[]
            ELSE ${schema}.append_conflict($1::text, $5::int, $6::jsonb) END) AS position
FROM appended`;
}

/**
 * The same append for exactly one event, its columns as scalar parameters instead of a JSON
 * array to unpack (the common case of a command: one event; measurably cheaper to plan and run).
 * One row goes in or none, so a new stream needs no check in the statement either.
 * Parameters: $1..$5 as appendSql, $6 event_id, $7 type, $8 schema_version, $9 data, $10 metadata,
 * $11 occurred_at, $12 the outbox stream key.
 */
export function appendOneSql(schema: string, outbox: boolean, newStream: boolean): string {
  const event = `INSERT INTO ${schema}.events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  SELECT $6::uuid, $2::uuid, $1::text, $3::text, $4::uuid, $5::int + 1, $7::text, $8::int, $9::jsonb, $10::jsonb, $11::timestamptz
  FROM tenant
  WHERE ${streamGuard(schema, newStream)}${newStream ? '\n  ON CONFLICT (stream_id, version) DO NOTHING' : ''}`;
  const outboxRow = `INSERT INTO ${schema}.outbox (event_id, tenant_id, stream_key, event_position)
  SELECT event_id, $2::uuid, $12::text, global_position FROM appended`;
  return `${TENANT}\n${withOutbox(event, outbox ? outboxRow : undefined)}`;
}

const TENANT = `WITH tenant AS (
  SELECT set_config('app.current_tenant_id', COALESCE(NULLIF(current_setting('app.current_tenant_id', true), ''), $2::text), true) AS id
)`;

/**
 * Asked after an append wrote nothing or lost a race (append.ts): `append_conflict` always raises,
 * ES409 with the stream's version or ES404 for another tenant's stream. $1 stream_id, $2
 * tenant_id (set as in the append when none is), $3 expected version.
 */
export function appendConflictSql(schema: string): string {
  return `${TENANT}
SELECT ${schema}.append_conflict($1::text, $3::int, '[]'::jsonb) FROM tenant`;
}

/** The events insert at the top, or inside `appended` with the outbox insert at the top; both return `position`. */
function withOutbox(events: string, outboxRows: string | undefined): string {
  if (!outboxRows) return `${events}\n  RETURNING global_position::text AS position`;
  return `, appended AS (
  ${events}
  RETURNING global_position, event_id
)
${outboxRows}
RETURNING event_position::text AS position`;
}

/** The stream is at `expected` (see appendSql); `tenant.id IS NOT NULL` orders the lookups after the tenant is set. */
function streamGuard(schema: string, newStream: boolean): string {
  if (newStream) return '$5::int = 0';
  const version = (v: string) =>
    `(SELECT FROM ${schema}.events WHERE stream_id = $1::text AND version = ${v} AND tenant.id IS NOT NULL)`;
  return `EXISTS ${version('$5::int')} AND NOT EXISTS ${version('$5::int + 1')}`;
}
