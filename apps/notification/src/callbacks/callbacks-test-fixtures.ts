import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import type { QueuedMessage } from '../dispatch/prepare-send.ts';
import { store } from '../inbox/inbox-test-fixtures.ts';
import { createMessage, recordMessageEvents, type Causation, type MessageEvent } from '../messages/message-events.ts';
import { eventually, expect, tenantCaller, type TestApp } from '../test-support.ts';

const causation: Causation = {
  actor: { type: 'system', id: 'callbacks-test' },
  correlationId: 'callbacks-test',
  causationId: null,
};

export interface SentSeed {
  tenantId: string;
  channel: 'email' | 'sms';
  address: string;
  userId?: string | null;
  category?: string;
  critical?: boolean;
  /** 'scheduled': not handed to a provider yet. */
  until?: 'sent' | 'scheduled';
}

/** A message as the dispatcher leaves it after a provider accepted it: requested, scheduled, sent. */
export async function seedSentMessage(pool: pg.Pool, seed: SentSeed): Promise<QueuedMessage> {
  const id = randomUUID();
  const at = new Date();
  const writer = { store, now: () => at };
  const message: QueuedMessage = {
    id,
    tenantId: seed.tenantId,
    channel: seed.channel,
    status: 'sent',
    userId: seed.userId ?? null,
    address: seed.address,
    subject: seed.channel === 'email' ? 'Your order shipped' : null,
    body: seed.channel === 'email' ? '<p>It is on its way.</p>' : 'It is on its way.',
    data: {},
    templateKey: 'order-shipped',
    templateVersion: 1,
    category: seed.category ?? 'orders',
    critical: seed.critical ?? false,
    isDigest: false,
  };
  await withTransaction(
    pool,
    async (client: pg.PoolClient) => {
      await createMessage(
        client,
        writer,
        { ...message, transactionId: `callbacks-${id}`, digestKey: null, digestMessageId: null },
        [
          {
            type: 'notification.requested',
            data: {
              transactionId: `callbacks-${id}`,
              channel: message.channel,
              templateKey: message.templateKey,
              templateVersion: 1,
              critical: message.critical,
              userId: message.userId,
              address: message.address,
              trigger: { source: 'api' },
              preference: {
                enabled: true,
                source: 'template_default',
                category: message.category,
                values: { critical: message.critical, category: null, channel: null, templateDefault: true },
              },
              digestKey: null,
            },
          },
          {
            type: 'notification.scheduled',
            data: { scheduledFor: at.toISOString(), reason: 'immediate', digestMessageId: null },
          },
        ],
        causation,
      );
      if (seed.until === 'scheduled') return;
      const provider = seed.channel === 'email' ? 'mailgun' : 'twilio';
      await recordMessageEvents(
        client,
        writer,
        { tenantId: seed.tenantId, messageId: id },
        [
          {
            type: 'notification.sent',
            data: { provider, providerMessageId: `${provider}-${id}`, attempt: 1, latencyMs: 3 },
          },
        ],
        causation,
      );
    },
    { tenantId: seed.tenantId },
  );
  return { ...message, status: seed.until ?? 'sent' };
}

/**
 * The message's stored events (type and data), its read-model row, callbacks and the tenant's
 * suppressions, all as of one snapshot (REPEATABLE READ): a send recorded between two of the
 * reads would otherwise show a status its events do not have yet.
 */
export async function messageRecord(pool: pg.Pool, tenantId: string, messageId: string) {
  return withTransaction(
    pool,
    async (client: pg.PoolClient) => {
      const events = await store.readStream(client, { aggregateType: 'notification', aggregateId: messageId });
      const row = await client.query<{ status: string; status_reason: string | null; delivered_at: Date | null }>(
        'SELECT status, status_reason, delivered_at FROM notification.messages WHERE id = $1',
        [messageId],
      );
      const callbacks = await client.query<{ provider: string; kind: string; payload: Record<string, unknown> }>(
        'SELECT provider, kind, payload FROM notification.message_callbacks WHERE message_id = $1 ORDER BY received_at, id',
        [messageId],
      );
      const suppressions = await client.query<{ channel: string; address: string; reason: string; message_id: string }>(
        'SELECT channel, address, reason, message_id FROM notification.suppressions ORDER BY address',
      );
      return {
        types: events.map((event) => event.type),
        events: events.map((event) => ({ type: event.type, data: event.data })),
        status: row.rows[0]?.status,
        statusReason: row.rows[0]?.status_reason,
        callbacks: callbacks.rows,
        suppressions: suppressions.rows,
      };
    },
    { tenantId, isolation: 'REPEATABLE READ' },
  );
}

/** Appends later events of a message, as a provider report would. */
export async function recordEvents(
  pool: pg.Pool,
  target: { tenantId: string; messageId: string },
  events: readonly MessageEvent[],
) {
  await withTransaction(
    pool,
    (client: pg.PoolClient) => recordMessageEvents(client, { store, now: () => new Date() }, target, events, causation),
    { tenantId: target.tenantId },
  );
}

export interface SuppressionRow {
  channel: string;
  address: string;
  reason: string;
  message_id?: string | null;
}

/** The tenant's suppressions, by channel and address. */
export async function tenantSuppressions(pool: pg.Pool, tenantId: string): Promise<SuppressionRow[]> {
  return withTransaction(
    pool,
    async (client: pg.PoolClient) =>
      (
        await client.query<SuppressionRow>(
          'SELECT channel, address, reason, message_id FROM notification.suppressions ORDER BY channel, address',
        )
      ).rows,
    { tenantId },
  );
}

/** Suppressions of the tenant not caused by a message (message_id null). */
export async function seedSuppressions(pool: pg.Pool, tenantId: string, rows: readonly SuppressionRow[]) {
  await withTransaction(
    pool,
    async (client: pg.PoolClient) => {
      for (const row of rows)
        await client.query(
          `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, message_id, created_at)
           VALUES ($1, $2, $3, $4, NULL, now())`,
          [tenantId, row.channel, row.address, row.reason],
        );
    },
    { tenantId },
  );
}

/**
 * A fresh tenant with an SMS template of `template.key`: `trigger` sends it to a number (its first
 * message), `settled` waits until that message has `status`.
 */
export async function smsTenant(
  t: TestApp,
  template: { key: string; category: string; critical?: boolean; body: string },
) {
  const tenant = await tenantCaller(t.key);
  const saved = await t.app.inject({
    method: 'POST',
    url: '/api/v1/notifications/templates',
    headers: tenant.headers,
    payload: { ...template, channel: 'sms' },
  });
  expect(saved.statusCode, saved.body).toBe(201);
  const trigger = async (phone: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/triggers',
      headers: tenant.headers,
      payload: { templateKey: template.key, transactionId: `${template.key}-${randomUUID()}`, to: { phone } },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ messages: { id: string; channel: string; status: string; reason: string | null }[] }>()
      .messages[0]!;
  };
  const settled = (messageId: string, status: string) =>
    eventually(
      () => messageRecord(t.pool, tenant.tenantId, messageId),
      (record) => expect(record.status).toBe(status),
    );
  return { tenantId: tenant.tenantId, trigger, settled };
}
