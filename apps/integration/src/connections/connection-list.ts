import type pg from 'pg';
import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { CONNECTION_COLUMNS, connectionStatus, connectionView, type ConnectionView } from './connection-store.ts';

export const connectionListQuery = z.strictObject({
  provider: z.string().min(1).max(50).optional(),
  status: connectionStatus.optional(),
  /** A nextCursor of a previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ConnectionListQuery = z.output<typeof connectionListQuery>;

export const connectionPage = z.object({
  items: z.array(connectionView),
  /** Pass it back as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type ConnectionPage = z.output<typeof connectionPage>;

/** The tenant's connections (RLS), oldest first, filtered, one page after `cursor`. */
export async function listConnections(client: pg.ClientBase, query: ConnectionListQuery): Promise<ConnectionPage> {
  const values: unknown[] = [];
  const where = ['true'];
  const add = (condition: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(condition(`$${values.length}`));
  };
  if (query.provider !== undefined) add((n) => `provider = ${n}`, query.provider);
  if (query.status !== undefined) add((n) => `status = ${n}`, query.status);
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor);
    values.push(createdAt, id);
    where.push(`(created_at, id) > ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(query.limit + 1);
  const { rows } = await client.query<ConnectionView>(
    `SELECT ${CONNECTION_COLUMNS} FROM integration.connections WHERE ${where.join(' AND ')}
     ORDER BY created_at, id LIMIT $${values.length}`,
    values,
  );
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

const encodeCursor = (createdAt: string, id: string) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

const cursorValue = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]);

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed = cursorValue.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: the validation error below
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor returned by this endpoint', location: 'query' },
  ]);
}
