import type { EventEnvelope } from '@bizosaas/event-schemas';
import { DEFAULT_STREAM_NAMESPACE, eventStreamKey } from '@bizosaas/messaging';
import { quotedSchema } from '../store/sql-names.ts';

/** One parameterised statement: run it with any executor (a pg client, Prisma's `$executeRawUnsafe(text, ...values)`). */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/** outboxMessages as a part of a larger statement: `text` reads its rows from one parameter, whose value is `value`. */
export interface OutboxInsert {
  text: string;
  value: string;
}

export interface OutboxInsertOptions {
  namespace?: string;
  /** The number n of the `$n` that carries `value` in the caller's statement. */
  parameter: number;
  /**
   * SQL yielding uuids (e.g. `SELECT id FROM inserted`, a data-modifying CTE's RETURNING): only
   * the events of those aggregates get outbox rows, so a statement that inserts rows where they
   * are new publishes exactly the events of the rows it inserted.
   */
  onlyAggregatesIn?: string;
}

/**
 * The INSERT of outboxMessages for a data-modifying CTE of the caller's statement
 * (`WITH ..., published AS (<text> RETURNING 1) ...`): the change and its outbox rows in one
 * statement and one round trip. The text depends only on the schema and the options, so the
 * caller's statement can be a named (prepared) one.
 */
export function outboxInsert(
  schema: string,
  events: readonly EventEnvelope[],
  { namespace = DEFAULT_STREAM_NAMESPACE, parameter, onlyAggregatesIn }: OutboxInsertOptions,
): OutboxInsert {
  if (!Number.isInteger(parameter) || parameter < 1) throw new Error(`Bad parameter number: ${parameter}`);
  const rows = events.map((event) => ({ d: event, k: eventStreamKey(event.aggregateType, namespace) }));
  const only = onlyAggregatesIn === undefined ? '' : `WHERE (e->'d'->>'aggregateId')::uuid IN (${onlyAggregatesIn})`;
  return {
    text: `INSERT INTO ${quotedSchema(schema)}.outbox (event_id, tenant_id, stream_key, envelope)
      SELECT (e->'d'->>'id')::uuid, (e->'d'->>'tenantId')::uuid, e->>'k', e->'d'
      FROM jsonb_array_elements($${parameter}::jsonb) WITH ORDINALITY AS x(e, n) ${only} ORDER BY n`,
    value: JSON.stringify(rows),
  };
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
  const { text, value } = outboxInsert(schema, events, { namespace, parameter: 1 });
  return { text, values: [value] };
}
