import type pg from 'pg';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import { eventStreamKey } from '@bizosaas/messaging';
import { EVENT_STORE_SCHEMA } from '../schema.ts';

// The event goes into the analytics log (the projections see it like any received event) and
// its outbox row points at it, in one statement of the caller's transaction. Not the store's
// append: for a new stream that relies on a unique (stream_id, version), which the analytics log
// does not have (it holds every service's events, deduplicated by event id). The metadata column
// is shaped as the ingest shapes it.
const SQL = `WITH logged AS (
  INSERT INTO "${EVENT_STORE_SCHEMA}".events
    (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
  VALUES ($1, $2, $3::text || '-' || $4::text, $3, $4::uuid, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (event_id) DO NOTHING RETURNING global_position, event_id, tenant_id)
INSERT INTO "${EVENT_STORE_SCHEMA}".outbox (event_id, tenant_id, stream_key, event_position)
SELECT event_id, tenant_id, $11, global_position FROM logged`;

/** Records an event of analytics' own in its log and its outbox (the tenant's transaction, app role). */
export async function announce(client: pg.ClientBase, event: EventEnvelope, namespace: string): Promise<void> {
  await client.query(SQL, [
    event.id,
    event.tenantId,
    event.aggregateType,
    event.aggregateId,
    event.aggregateVersion,
    event.type,
    event.schemaVersion,
    JSON.stringify(event.data),
    JSON.stringify({
      ...event.metadata,
      correlationId: event.correlationId,
      causationId: event.causationId,
      actor: event.actor,
    }),
    event.occurredAt,
    eventStreamKey(event.aggregateType, namespace),
  ]);
}
