import type pg from 'pg';
import type { Destination, NotificationChannel, OutgoingMessage, PushSubscriptionJson } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import { recordMessageEvents, type Causation } from '../messages/message-events.ts';
import { undeliverableSql } from '../messages/undeliverable.ts';
import { renderTemplate } from '../templates/render.ts';
import { findTemplateVersion } from '../templates/template-store.ts';

export interface QueuedMessage {
  id: string;
  tenantId: string;
  channel: NotificationChannel;
  status: string;
  userId: string | null;
  address: string | null;
  subject: string | null;
  body: string;
  data: Record<string, unknown>;
  templateKey: string;
  templateVersion: number;
  category: string;
  critical: boolean;
  /** Set on the digest message itself (its items point at it). */
  isDigest: boolean;
}

/** The platform acting on its own (dispatcher, callbacks), not on a user's request. */
export const DISPATCHER: Causation['actor'] = { type: 'service', id: 'notification' };

function destinationOf(message: QueuedMessage): Destination {
  switch (message.channel) {
    case 'email':
      return { channel: 'email', address: message.address ?? '' };
    case 'sms':
      return { channel: 'sms', phone: message.address ?? '' };
    case 'push':
      return { channel: 'push', subscriptions: JSON.parse(message.address ?? '[]') as PushSubscriptionJson[] };
    case 'in_app':
      return { channel: 'in_app', userId: message.userId ?? '' };
  }
}

export function outgoingOf(message: QueuedMessage): OutgoingMessage {
  return {
    messageId: message.id,
    tenantId: message.tenantId,
    destination: destinationOf(message),
    subject: message.subject,
    body: message.body,
  };
}

/**
 * Reads a claimed message in its tenant's transaction and makes it ready to send: null when it is
 * no longer scheduled (cancelled meanwhile) or its address bounced since it was requested, or its
 * number opted out of SMS (then it is suppressed here). A digest is closed under its row lock and
 * rendered from every item that made it in; later items open the next digest.
 */
export async function prepareSend(
  ctx: NotificationContext,
  client: pg.PoolClient,
  messageId: string,
  causation: Causation,
): Promise<QueuedMessage | null> {
  const { rows } = await client.query<QueuedMessage>(
    `SELECT m.id, m.tenant_id AS "tenantId", m.channel, m.status, m.user_id AS "userId", m.address, m.subject, m.body,
            m.data, m.template_key AS "templateKey", m.template_version AS "templateVersion", m.category, m.critical,
            EXISTS (SELECT 1 FROM notification.digests d WHERE d.id = m.id) AS "isDigest"
     FROM notification.messages m WHERE m.id = $1`,
    [messageId],
  );
  const message = rows[0];
  if (!message || message.status !== 'scheduled') return null;
  if (message.address !== null && message.channel !== 'push') {
    const listed = await client.query<{ reason: 'bounced' | 'complained' | 'unsubscribed' }>(
      `SELECT reason FROM notification.suppressions WHERE channel = $1 AND address = $2
         AND ${undeliverableSql('channel', 'reason')}`,
      [message.channel, message.address],
    );
    const reason = listed.rows[0]?.reason;
    if (reason) {
      const detail = `${message.address} is suppressed for ${message.channel}: ${reason}`;
      await recordMessageEvents(
        client,
        ctx,
        { tenantId: message.tenantId, messageId },
        [{ type: 'notification.suppressed', data: { reason, detail } }],
        causation,
      );
      return null;
    }
  }
  return message.isDigest ? renderDigest(ctx, client, message, causation) : message;
}

async function renderDigest(
  ctx: NotificationContext,
  client: pg.PoolClient,
  message: QueuedMessage,
  causation: Causation,
): Promise<QueuedMessage | null> {
  await client.query('UPDATE notification.digests SET closed_at = now() WHERE id = $1 AND closed_at IS NULL', [
    message.id,
  ]);
  const items = await client.query<{ data: Record<string, unknown> }>(
    `SELECT data FROM notification.messages WHERE digest_message_id = $1 AND status = 'digested' ORDER BY created_at, id`,
    [message.id],
  );
  if (items.rows.length === 0) {
    const detail = 'every item of the digest was cancelled';
    await recordMessageEvents(
      client,
      ctx,
      { tenantId: message.tenantId, messageId: message.id },
      [{ type: 'notification.suppressed', data: { reason: 'cancelled', detail } }],
      causation,
    );
    return null;
  }
  // The digest message keeps the id of the template its first item used (digest.ts).
  const templateId = String(message.data.templateId);
  const template = await findTemplateVersion(client, message.tenantId, templateId, message.templateVersion);
  if (!template) throw new Error(`template ${templateId} version ${message.templateVersion} is gone`);
  const data = { items: items.rows.map((row) => row.data), count: items.rows.length };
  const rendered = renderTemplate({ subject: template.subject, body: template.body, channel: message.channel }, data);
  await client.query('UPDATE notification.messages SET subject = $2, body = $3, data = $4 WHERE id = $1', [
    message.id,
    rendered.subject,
    rendered.body,
    data,
  ]);
  return { ...message, ...rendered, data };
}
