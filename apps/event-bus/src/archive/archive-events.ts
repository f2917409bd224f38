import { envelopeSchema, eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import type { BatchItem } from '@bizosaas/messaging';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';

/** Every stream the platform's catalogue publishes to: one per aggregate type. */
export function catalogueAggregateTypes(): string[] {
  return [...new Set(Object.values(eventCatalogue).map((definition) => definition.aggregateType))].sort();
}

/**
 * The archive keeps what was published, whatever its data schema (it may be a type or version
 * this build does not know yet): only the envelope is checked.
 */
export const parseArchivedEnvelope = (raw: unknown): EventEnvelope => envelopeSchema.parse(raw);

// The tenant is set for each group in the statement itself, so RLS checks every row against it.
const INSERT = `WITH tenant AS (SELECT set_config('app.current_tenant_id', $1::text, true))
INSERT INTO event_bus.archived_events (id, tenant_id, type, schema_version, aggregate_type, aggregate_id, aggregate_version,
  occurred_at, correlation_id, causation_id, envelope, stream, stream_entry_id)
SELECT (r->'e'->>'id')::uuid, (r->'e'->>'tenantId')::uuid, r->'e'->>'type', (r->'e'->>'schemaVersion')::int,
       r->'e'->>'aggregateType', (r->'e'->>'aggregateId')::uuid, (r->'e'->>'aggregateVersion')::int,
       (r->'e'->>'occurredAt')::timestamptz, r->'e'->>'correlationId', r->'e'->>'causationId', r->'e', r->>'s', r->>'i'
FROM tenant, jsonb_array_elements($2::jsonb) AS r
ON CONFLICT (id) DO NOTHING`;

/**
 * Stores a read's events in one transaction (one statement per tenant, app role, RLS), each
 * event once however often it is delivered (the event id is the key), so no inbox is needed.
 */
export async function archiveBatch(pool: pg.Pool, batch: readonly BatchItem<EventEnvelope>[]): Promise<void> {
  const byTenant = new Map<string, object[]>();
  for (const { event, delivery } of batch) {
    const rows = byTenant.get(event.tenantId) ?? [];
    rows.push({ e: event, s: delivery.stream, i: delivery.entryId });
    byTenant.set(event.tenantId, rows);
  }
  await withTransaction(pool, async (client) => {
    for (const [tenantId, rows] of [...byTenant].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await client.query(INSERT, [tenantId, JSON.stringify(rows)]);
    }
  });
}
