import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import type { InboxEvent } from '../channels/in-app-channel.ts';

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const inboxQuery = z.strictObject({
  unread: flag.optional().describe('true: unread messages only; false: read ones only; absent: both'),
  archived: flag.default(false).describe('true: the archived messages instead of the inbox'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const inboxItem = z.object({
  id: z.uuid(),
  subject: z.string().nullable(),
  body: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
});
export type InboxItem = z.output<typeof inboxItem>;

export const inboxPage = z.object({ items: z.array(inboxItem), nextCursor: z.string().nullable() });

export const inboxCount = z.object({ unread: z.int(), total: z.int() });

// What makes a row an item of the inbox of the user $1: an in-app message the dispatcher has sent
// (queued, suppressed or failed ones never reached the inbox). RLS keeps it to the tenant.
const INBOX = `channel = 'in_app' AND user_id = $1 AND status IN ('sent', 'delivered', 'opened', 'clicked')`;
export const ITEM_COLUMNS = 'id, subject, body, created_at, read_at, archived_at';

interface ItemRow {
  id: string;
  subject: string | null;
  body: string;
  created_at: Date;
  read_at: Date | null;
  archived_at: Date | null;
}

export const itemOf = (row: ItemRow): InboxItem => ({
  id: row.id,
  subject: row.subject,
  body: row.body,
  createdAt: row.created_at.toISOString(),
  readAt: row.read_at?.toISOString() ?? null,
  archivedAt: row.archived_at?.toISOString() ?? null,
});

const cursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

function decodeCursor(cursor: string | undefined): z.output<typeof cursorSchema> | null {
  if (cursor === undefined) return null;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
  } catch {
    throw new ValidationError('cursor is not one this API gave', [
      { path: 'cursor', message: 'invalid cursor', location: 'query' },
    ]);
  }
}

/** The caller's inbox (or archive), newest first, keyset-paged on (createdAt, id). */
export async function listInbox(
  client: pg.PoolClient,
  userId: string,
  query: z.output<typeof inboxQuery>,
): Promise<z.output<typeof inboxPage>> {
  const cursor = decodeCursor(query.cursor);
  const { rows } = await client.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM notification.messages
     WHERE ${INBOX} AND (archived_at IS NOT NULL) = $2 AND ($3::boolean IS NULL OR (read_at IS NULL) = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $6`,
    [userId, query.archived, query.unread ?? null, cursor?.createdAt ?? null, cursor?.id ?? null, query.limit + 1],
  );
  const items = rows.slice(0, query.limit).map(itemOf);
  const last = items.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? Buffer.from(JSON.stringify({ createdAt: last.createdAt, id: last.id })).toString('base64url')
      : null;
  return { items, nextCursor };
}

/** Unread and all messages of the inbox (archived ones not counted). */
export async function countInbox(client: pg.PoolClient, userId: string): Promise<z.output<typeof inboxCount>> {
  const { rows } = await client.query<{ unread: number; total: number }>(
    `SELECT count(*) FILTER (WHERE read_at IS NULL)::int AS unread, count(*)::int AS total
     FROM notification.messages WHERE ${INBOX} AND archived_at IS NULL`,
    [userId],
  );
  return rows[0] ?? { unread: 0, total: 0 };
}

/** One item of the caller's inbox, locked for the rest of the transaction; NotFoundError otherwise. */
export async function lockInboxItem(client: pg.PoolClient, userId: string, id: string): Promise<InboxItem> {
  const { rows } = await client.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM notification.messages WHERE id = $2 AND ${INBOX} FOR UPDATE`,
    [userId, id],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('Inbox message not found', { messageId: id });
  return itemOf(row);
}

/** Ids of the caller's unread inbox items (archived ones aside), locked, oldest first. */
export async function lockUnreadIds(client: pg.PoolClient, userId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM notification.messages WHERE ${INBOX} AND read_at IS NULL AND archived_at IS NULL
     ORDER BY created_at, id FOR UPDATE`,
    [userId],
  );
  return rows.map((row) => row.id);
}

/** Sets `assignment` (a SET list; $3 is the clock) on one item of the caller's inbox. */
export async function updateInboxItem(
  client: pg.PoolClient,
  userId: string,
  id: string,
  assignment: string,
  now: Date,
): Promise<InboxItem> {
  const { rows } = await client.query<ItemRow>(
    `UPDATE notification.messages SET ${assignment}, updated_at = $3 WHERE id = $2 AND ${INBOX}
     RETURNING ${ITEM_COLUMNS}`,
    [userId, id, now],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError('Inbox message not found', { messageId: id });
  return itemOf(row);
}

/**
 * What an inbox stream missed since the message `lastEventId`: the items sent at or after it
 * (`createdAt` is the time sent, as on the live stream), oldest first, at most `limit`; 'too_many'
 * past that, and nothing when the id is not one of the caller's inbox items. A message sent in the
 * same millisecond as the last one seen is sent again rather than risk losing it.
 */
export async function missedInboxEvents(
  client: pg.PoolClient,
  userId: string,
  lastEventId: string,
  limit: number,
): Promise<InboxEvent[] | 'too_many'> {
  const { rows } = await client.query<{ id: string; subject: string | null; body: string; sent_at: Date }>(
    `SELECT m.id, m.subject, m.body, COALESCE(m.sent_at, m.created_at) AS sent_at
     FROM notification.messages last
     JOIN notification.messages m ON m.tenant_id = last.tenant_id AND m.user_id = last.user_id
       AND m.channel = 'in_app' AND m.status IN ('sent', 'delivered', 'opened', 'clicked')
       AND m.archived_at IS NULL AND m.id <> last.id
       AND COALESCE(m.sent_at, m.created_at) >= COALESCE(last.sent_at, last.created_at)
     WHERE last.id = $2 AND last.user_id = $1 AND last.channel = 'in_app'
     ORDER BY 4, m.id LIMIT $3`,
    [userId, lastEventId, limit + 1],
  );
  if (rows.length > limit) return 'too_many';
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    body: row.body,
    createdAt: row.sent_at.toISOString(),
  }));
}
