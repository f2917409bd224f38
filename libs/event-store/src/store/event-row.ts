/** The columns every event read selects, in the shape `toRawEnvelope` expects. */
export const EVENT_COLUMNS =
  'event_id, type, schema_version, tenant_id, aggregate_type, aggregate_id, version, occurred_at, data, metadata';

export interface EventRow {
  event_id: string;
  type: string;
  schema_version: number;
  tenant_id: string;
  aggregate_type: string;
  aggregate_id: string;
  version: number;
  occurred_at: Date;
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * The stored row as an unvalidated envelope, for parseEvent. The metadata column holds
 * correlationId, causationId and actor beside the envelope's own metadata (delivery hints).
 */
export function toRawEnvelope(row: EventRow): Record<string, unknown> {
  const { correlationId, causationId, actor, ...hints } = row.metadata;
  return {
    id: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    tenantId: row.tenant_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.version,
    occurredAt: row.occurred_at.toISOString(),
    correlationId,
    causationId,
    actor,
    ...(Object.keys(hints).length > 0 ? { metadata: hints } : {}),
    data: row.data,
  };
}
