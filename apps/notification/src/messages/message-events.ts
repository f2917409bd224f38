import type pg from 'pg';
import type { Actor, EventData } from '@bizosaas/event-schemas';
import { createEvent } from '@bizosaas/event-schemas';
import type { AppendInput, EventStore } from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { nextStatus, type MessageEventType, type MessageStatus } from './message-status.ts';

export const MESSAGE_AGGREGATE = 'notification';

/** One event of a message's lifecycle, before it is stamped into an envelope. */
export type MessageEvent = {
  [T in MessageEventType]: { type: T; data: EventData<T> };
}[MessageEventType];

/** Who caused the events: the trigger's request or event, for correlation. */
export interface Causation {
  actor: Actor;
  correlationId: string;
  causationId: string | null;
}

export interface MessageWriter {
  store: EventStore<PlatformCatalogue>;
  now: () => Date;
}

/** The read model's row of a new message (everything but what its events set). */
export interface NewMessageRow {
  id: string;
  tenantId: string;
  transactionId: string;
  channel: string;
  templateKey: string;
  templateVersion: number;
  category: string;
  critical: boolean;
  userId: string | null;
  address: string | null;
  subject: string | null;
  body: string;
  data: Record<string, unknown>;
  digestKey: string | null;
  digestMessageId: string | null;
}

function envelopes(
  row: { id: string; tenantId: string },
  fromVersion: number,
  events: readonly MessageEvent[],
  causation: Causation,
  now: () => Date,
) {
  return events.map((event, index) =>
    createEvent(
      {
        type: event.type,
        tenantId: row.tenantId,
        actor: causation.actor,
        data: event.data,
        aggregateId: row.id,
        aggregateVersion: fromVersion + index + 1,
        correlationId: causation.correlationId,
        causationId: causation.causationId,
      },
      { now },
    ),
  );
}

/** What each event sets on the read model besides status and version. */
function columnsOf(event: MessageEvent, at: Date): Record<string, unknown> {
  switch (event.type) {
    case 'notification.suppressed':
      return { status_reason: event.data.reason };
    case 'notification.scheduled':
      return { scheduled_for: new Date(event.data.scheduledFor), digest_message_id: event.data.digestMessageId };
    case 'notification.sent':
      return {
        provider: event.data.provider,
        provider_message_id: event.data.providerMessageId,
        attempts: event.data.attempt,
        sent_at: at,
      };
    case 'notification.delivered':
      return { delivered_at: new Date(event.data.at) };
    case 'notification.bounced':
      return { status_reason: event.data.bounceType };
    case 'notification.failed':
      return { status_reason: event.data.permanent ? 'permanent' : 'retries_exhausted', attempts: event.data.attempts };
    default:
      return {};
  }
}

/** A new message: its read-model row, its first events and, when it is to be sent, when. */
export interface NewMessage {
  row: NewMessageRow;
  /** notification.requested, then scheduled or suppressed. */
  events: readonly MessageEvent[];
  causation: Causation;
  /** Queue it for sending at this time (in the same statement as the row). */
  dueAt: Date | null;
}

/** The messages' rows and queue entries in one statement (rows as a JSON array, due_at null: not queued). */
const INSERT_MESSAGES = `WITH input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tenant_id uuid, transaction_id text, channel text,
       template_key text, template_version int, category text, critical boolean, user_id uuid, address text,
       status text, status_reason text, subject text, body text, data jsonb, digest_key text, digest_message_id uuid,
       scheduled_for timestamptz, correlation_id text, version int, created_at timestamptz, due_at timestamptz)),
   message AS (
     INSERT INTO notification.messages (id, tenant_id, transaction_id, channel, template_key, template_version,
       category, critical, user_id, address, status, status_reason, subject, body, data, digest_key,
       digest_message_id, scheduled_for, correlation_id, version, created_at, updated_at)
     SELECT id, tenant_id, transaction_id, channel, template_key, template_version, category, critical, user_id,
       address, status, status_reason, subject, body, data, digest_key, digest_message_id, scheduled_for,
       correlation_id, version, created_at, created_at
     FROM input
     RETURNING id, tenant_id)
 INSERT INTO notification.delivery_queue (message_id, tenant_id, due_at)
 SELECT message.id, message.tenant_id, input.due_at FROM message JOIN input USING (id) WHERE input.due_at IS NOT NULL`;

/**
 * Creates messages of one tenant, on `client` inside its transaction: their first events
 * appended to new streams with their outbox rows in one statement, then every read-model row and
 * queue entry in another. Returns the status each message's events brought it to, in order.
 */
export async function createMessages(
  client: pg.PoolClient,
  writer: MessageWriter,
  messages: readonly NewMessage[],
): Promise<MessageStatus[]> {
  const at = writer.now();
  const statuses: MessageStatus[] = [];
  const rows: Record<string, unknown>[] = [];
  const streams: AppendInput[] = [];
  for (const { row, events, causation, dueAt } of messages) {
    let status: MessageStatus | null = null;
    const columns: Record<string, unknown> = {};
    for (const event of events) {
      status = nextStatus(status, event.type, { digestItem: row.digestMessageId !== null });
      Object.assign(columns, columnsOf(event, at));
    }
    if (status === null) throw new Error('a message starts with notification.requested');
    streams.push({
      tenantId: row.tenantId,
      aggregateType: MESSAGE_AGGREGATE,
      aggregateId: row.id,
      expectedVersion: 0,
      events: envelopes(row, 0, events, causation, writer.now),
    });
    statuses.push(status);
    rows.push({
      id: row.id,
      tenant_id: row.tenantId,
      transaction_id: row.transactionId,
      channel: row.channel,
      template_key: row.templateKey,
      template_version: row.templateVersion,
      category: row.category,
      critical: row.critical,
      user_id: row.userId,
      address: row.address,
      status,
      status_reason: columns.status_reason ?? null,
      subject: row.subject,
      body: row.body,
      data: row.data,
      digest_key: row.digestKey,
      digest_message_id: row.digestMessageId ?? columns.digest_message_id ?? null,
      scheduled_for: columns.scheduled_for ?? null,
      correlation_id: causation.correlationId,
      version: events.length,
      created_at: at,
      due_at: dueAt,
    });
  }
  if (rows.length === 0) return statuses;
  await writer.store.appendMany(client, streams);
  await client.query({ name: 'notification-insert-messages', text: INSERT_MESSAGES, values: [JSON.stringify(rows)] });
  return statuses;
}

/** One message, as createMessages. */
export async function createMessage(
  client: pg.PoolClient,
  writer: MessageWriter,
  row: NewMessageRow,
  events: readonly MessageEvent[],
  causation: Causation,
  dueAt: Date | null = null,
): Promise<MessageStatus> {
  const [status] = await createMessages(client, writer, [{ row, events, causation, dueAt }]);
  return status!;
}

/**
 * Records later events of a message (scheduled, sent, delivered, ..., failed) on `client` inside
 * the tenant's transaction: locks its read-model row (writers of one message take turns), drops
 * events that add nothing (see nextStatus), appends the rest at the row's version and updates the
 * row. Returns the status after them. NotFoundError when the message is not the tenant's.
 */
export async function recordMessageEvents(
  client: pg.PoolClient,
  writer: MessageWriter,
  target: { tenantId: string; messageId: string },
  events: readonly MessageEvent[],
  causation: Causation,
): Promise<{ status: MessageStatus; recorded: number }> {
  const { rows } = await client.query<{ status: MessageStatus; version: number }>(
    'SELECT status, version FROM notification.messages WHERE id = $1 FOR UPDATE',
    [target.messageId],
  );
  const current = rows[0];
  if (!current) throw new NotFoundError('Message not found', { messageId: target.messageId });
  let status = current.status;
  const kept: MessageEvent[] = [];
  const columns: Record<string, unknown> = {};
  const at = writer.now();
  for (const event of events) {
    const next = nextStatus(status, event.type);
    if (next === null) continue;
    status = next;
    kept.push(event);
    Object.assign(columns, columnsOf(event, at));
  }
  if (kept.length === 0) return { status, recorded: 0 };
  await writer.store.append(client, {
    tenantId: target.tenantId,
    aggregateType: MESSAGE_AGGREGATE,
    aggregateId: target.messageId,
    expectedVersion: current.version,
    events: envelopes(
      { id: target.messageId, tenantId: target.tenantId },
      current.version,
      kept,
      causation,
      writer.now,
    ),
  });
  const names = Object.keys(columns);
  const sets = names.map((name, index) => `${name} = $${index + 5}`);
  await client.query(
    `UPDATE notification.messages SET status = $2, version = $3, updated_at = $4${sets.map((set) => `, ${set}`).join('')}
     WHERE id = $1`,
    [target.messageId, status, current.version + kept.length, at, ...names.map((name) => columns[name])],
  );
  return { status, recorded: kept.length };
}
