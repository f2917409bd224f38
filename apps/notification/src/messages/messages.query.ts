import type pg from 'pg';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import { notificationChannel } from '@bizosaas/event-schemas';

export const messageStatus = z.enum([
  'requested',
  'suppressed',
  'scheduled',
  'digested',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'failed',
]);

export const messageListQuery = z.strictObject({
  transactionId: z.string().max(128).optional(),
  status: messageStatus.optional(),
  channel: notificationChannel.optional(),
  userId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
});

export const messageView = z.object({
  id: z.uuid(),
  transactionId: z.string(),
  channel: notificationChannel,
  templateKey: z.string(),
  templateVersion: z.int(),
  category: z.string(),
  critical: z.boolean(),
  userId: z.uuid().nullable(),
  address: z.string().nullable(),
  status: messageStatus,
  statusReason: z.string().nullable(),
  subject: z.string().nullable(),
  digestKey: z.string().nullable(),
  digestMessageId: z.uuid().nullable(),
  provider: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  attempts: z.int(),
  scheduledFor: z.string().nullable(),
  correlationId: z.string(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
});

export const messagePage = z.object({ items: z.array(messageView), nextCursor: z.string().nullable() });

export const attemptView = z.object({
  attempt: z.int(),
  provider: z.string(),
  outcome: z.enum(['accepted', 'transient', 'permanent', 'breaker_open']),
  response: z.string(),
  latencyMs: z.int(),
  startedAt: z.string(),
});

export const callbackView = z.object({
  provider: z.string(),
  kind: z.string(),
  payload: z.record(z.string(), z.unknown()),
  receivedAt: z.string(),
});

const iso = (column: string) => `to_json(${column})#>>'{}'`;

export const MESSAGE_COLUMNS = `id, transaction_id AS "transactionId", channel, template_key AS "templateKey",
  template_version AS "templateVersion", category, critical, user_id AS "userId", address, status,
  status_reason AS "statusReason", subject, digest_key AS "digestKey", digest_message_id AS "digestMessageId",
  provider, provider_message_id AS "providerMessageId", attempts, ${iso('scheduled_for')} AS "scheduledFor",
  correlation_id AS "correlationId", version, ${iso('created_at')} AS "createdAt", ${iso('updated_at')} AS "updatedAt",
  ${iso('sent_at')} AS "sentAt", ${iso('delivered_at')} AS "deliveredAt"`;

type Cursor = { createdAt: string; id: string };

function decodeCursor(cursor: string | undefined): Cursor | null {
  if (cursor === undefined) return null;
  try {
    const parsed = z
      .object({ createdAt: z.iso.datetime({ offset: true }), id: z.uuid() })
      .parse(JSON.parse(Buffer.from(cursor, 'base64url').toString()));
    return parsed;
  } catch {
    throw new ValidationError('cursor is not one this API gave', [
      { path: 'cursor', message: 'invalid cursor', location: 'query' },
    ]);
  }
}

/** Newest first, filtered; RLS keeps it to the tenant of the transaction. */
export async function listMessages(
  client: pg.PoolClient,
  query: z.output<typeof messageListQuery>,
): Promise<z.output<typeof messagePage>> {
  const cursor = decodeCursor(query.cursor);
  const { rows } = await client.query<z.output<typeof messageView>>(
    `SELECT ${MESSAGE_COLUMNS} FROM notification.messages
     WHERE ($1::text IS NULL OR transaction_id = $1) AND ($2::text IS NULL OR status = $2)
       AND ($3::text IS NULL OR channel = $3) AND ($4::uuid IS NULL OR user_id = $4)
       AND ($5::timestamptz IS NULL OR (created_at, id) < ($5::timestamptz, $6::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $7`,
    [
      query.transactionId ?? null,
      query.status ?? null,
      query.channel ?? null,
      query.userId ?? null,
      cursor?.createdAt ?? null,
      cursor?.id ?? null,
      query.limit + 1,
    ],
  );
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? Buffer.from(JSON.stringify({ createdAt: last.createdAt, id: last.id })).toString('base64url')
      : null;
  return { items, nextCursor };
}

export async function getMessage(client: pg.PoolClient, id: string) {
  const { rows } = await client.query<z.output<typeof messageView>>(
    `SELECT ${MESSAGE_COLUMNS} FROM notification.messages WHERE id = $1`,
    [id],
  );
  const message = rows[0];
  if (!message) throw new NotFoundError('Message not found', { messageId: id });
  const attempts = await client.query<z.output<typeof attemptView>>(
    `SELECT attempt, provider, outcome, response, latency_ms AS "latencyMs", ${iso('started_at')} AS "startedAt"
       FROM notification.message_attempts WHERE message_id = $1 ORDER BY started_at, attempt`,
    [id],
  );
  const callbacks = await client.query<z.output<typeof callbackView>>(
    `SELECT provider, kind, payload, ${iso('received_at')} AS "receivedAt"
       FROM notification.message_callbacks WHERE message_id = $1 ORDER BY received_at`,
    [id],
  );
  return { ...message, attemptLog: attempts.rows, callbacks: callbacks.rows };
}
