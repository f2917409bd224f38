import type pg from 'pg';
import { recordMessageEvents, type MessageWriter } from '../messages/message-events.ts';
import { lockInboxItem, lockUnreadIds, updateInboxItem, type InboxItem } from './inbox.query.ts';

/** The signed-in user acting on their own inbox, and the request that asked. */
export interface InboxCaller {
  tenantId: string;
  userId: string;
  requestId: string;
}

export type InboxChange = 'read' | 'unread' | 'archive' | 'unarchive';

// $3 is the clock. Read and archive keep the first time they were set.
const ASSIGNMENTS: Record<InboxChange, string> = {
  read: 'read_at = COALESCE(read_at, $3)',
  unread: 'read_at = NULL',
  archive: 'archived_at = COALESCE(archived_at, $3)',
  unarchive: 'archived_at = NULL',
};

/**
 * notification.opened for a message being read. recordMessageEvents keeps only the first open
 * (a message read, marked unread and read again was opened once), so reading records at most one.
 */
async function recordOpened(client: pg.PoolClient, writer: MessageWriter, caller: InboxCaller, messageId: string) {
  await recordMessageEvents(
    client,
    writer,
    { tenantId: caller.tenantId, messageId },
    [{ type: 'notification.opened', data: { provider: null, at: writer.now().toISOString() } }],
    { actor: { type: 'user', id: caller.userId }, correlationId: caller.requestId, causationId: caller.requestId },
  );
}

/**
 * Marks one item of the caller's inbox read, unread, archived or back in the inbox, inside the
 * tenant's transaction. The row is locked first, so two concurrent reads record one open.
 * NotFoundError for an id that is not an item of the caller's inbox.
 */
export async function changeInboxItem(
  client: pg.PoolClient,
  writer: MessageWriter,
  caller: InboxCaller,
  id: string,
  change: InboxChange,
): Promise<InboxItem> {
  if (change === 'read') {
    const item = await lockInboxItem(client, caller.userId, id);
    if (item.readAt !== null) return item;
    await recordOpened(client, writer, caller, id);
  }
  return updateInboxItem(client, caller.userId, id, ASSIGNMENTS[change], writer.now());
}

/** Marks every unread item of the inbox (archived ones aside) read; returns how many. */
export async function readAll(client: pg.PoolClient, writer: MessageWriter, caller: InboxCaller): Promise<number> {
  const ids = await lockUnreadIds(client, caller.userId);
  for (const id of ids) await recordOpened(client, writer, caller, id);
  if (ids.length > 0)
    await client.query('UPDATE notification.messages SET read_at = $2, updated_at = $2 WHERE id = ANY($1::uuid[])', [
      ids,
      writer.now(),
    ]);
  return ids.length;
}
