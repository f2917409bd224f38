import { ValidationError } from '@bizosaas/ddd-kernel';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';

export interface HistoryQuery {
  eventTypes?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  aggregateId?: string | undefined;
  correlationId?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface HistoryPage {
  events: EventEnvelope[];
  /** Pass it back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * One page of the tenant's archived events in (occurredAt, id) order, RLS-scoped to the tenant.
 * A correlation id returns the whole causal chain of a request across services: every event
 * stamped with it, in order.
 */
export async function readHistory(pool: pg.Pool, tenantId: string, query: HistoryQuery): Promise<HistoryPage> {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const add = (sql: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (query.eventTypes?.length) add((n) => `type = ANY(${n}::text[])`, query.eventTypes);
  if (query.from) add((n) => `occurred_at >= ${n}::timestamptz`, query.from);
  if (query.to) add((n) => `occurred_at < ${n}::timestamptz`, query.to);
  if (query.aggregateId) add((n) => `aggregate_id = ${n}::uuid`, query.aggregateId);
  if (query.correlationId) add((n) => `correlation_id = ${n}`, query.correlationId);
  if (query.cursor) {
    const [occurredAt, id] = decodeCursor(query.cursor);
    values.push(occurredAt, id);
    where.push(`(occurred_at, id) > ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(query.limit + 1);
  const sql = `SELECT id, occurred_at, envelope FROM event_bus.archived_events
    WHERE ${where.join(' AND ')} ORDER BY occurred_at, id LIMIT $${values.length}`;
  const rows = await withTransaction(
    pool,
    async (client) =>
      (await client.query<{ id: string; occurred_at: Date; envelope: EventEnvelope }>(sql, values)).rows,
    { tenantId },
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map((row) => row.envelope),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.occurred_at, last.id) : null,
  };
}

const encodeCursor = (occurredAt: Date, id: string) =>
  Buffer.from(JSON.stringify([occurredAt.toISOString(), id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const [occurredAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (
      typeof occurredAt === 'string' &&
      !Number.isNaN(Date.parse(occurredAt)) &&
      typeof id === 'string' &&
      UUID.test(id)
    ) {
      return [occurredAt, id];
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor returned by this endpoint' },
  ]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
