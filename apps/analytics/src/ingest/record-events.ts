import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { EVENT_STORE_SCHEMA } from '../schema.ts';

// One statement for the whole batch, whatever its tenants (worker role). The metadata column is
// shaped as the event store's own appends shape it, so the projection manager rebuilds the same
// envelopes from these rows as from an appended event.
const RECORD_SQL = `
INSERT INTO "${EVENT_STORE_SCHEMA}".events
  (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
SELECT (e->>'id')::uuid, (e->>'tenantId')::uuid, (e->>'aggregateType') || '-' || (e->>'aggregateId'),
       e->>'aggregateType', (e->>'aggregateId')::uuid, (e->>'aggregateVersion')::int, e->>'type',
       (e->>'schemaVersion')::int, e->'data',
       COALESCE(e->'metadata', '{}'::jsonb)
         || jsonb_build_object('correlationId', e->'correlationId', 'causationId', e->'causationId', 'actor', e->'actor'),
       (e->>'occurredAt')::timestamptz
FROM jsonb_array_elements($1::jsonb) AS e
ON CONFLICT (event_id) DO NOTHING`;

/**
 * Records received events in the analytics log, each once: a redelivered or replayed event (same
 * id) changes nothing. Returns how many were new.
 */
export async function recordEvents(worker: pg.Pool, events: readonly DomainEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await worker.query({
    name: 'analytics_record_events',
    text: RECORD_SQL,
    values: [JSON.stringify(events)],
  });
  return result.rowCount ?? 0;
}
