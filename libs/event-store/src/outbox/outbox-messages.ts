import type { EventEnvelope } from '@bizosaas/event-schemas';
import { DEFAULT_STREAM_NAMESPACE, eventStreamKey } from '@bizosaas/messaging';
import { quotedSchema } from '../store/sql-names.ts';

/** One parameterised statement: run it with any executor (a pg client, Prisma's `$executeRawUnsafe(text, ...values)`). */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * The outbox rows of events that have no event-store row: a service that keeps its state in
 * ordinary tables (user-management's tenants and users) publishes its events by running this
 * in the transaction of the change, with the events' tenant set (RLS), and waking the relays
 * after the commit (OutboxNotifier). The relay publishes each envelope as given, in order.
 */
export function outboxMessages(
  schema: string,
  events: readonly EventEnvelope[],
  namespace = DEFAULT_STREAM_NAMESPACE,
): SqlStatement {
  const rows = events.map((event) => ({ d: event, k: eventStreamKey(event.aggregateType, namespace) }));
  return {
    text: `INSERT INTO ${quotedSchema(schema)}.outbox (event_id, tenant_id, stream_key, envelope)
      SELECT (e->'d'->>'id')::uuid, (e->'d'->>'tenantId')::uuid, e->>'k', e->'d'
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n`,
    values: [JSON.stringify(rows)],
  };
}
