import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { createEventStore } from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from '../app.ts';
import { createMessage, MESSAGE_AGGREGATE, recordMessageEvents, type Causation } from '../messages/message-events.ts';

export const store = createEventStore({ schema: EVENT_STORE_SCHEMA });

export interface SeededMessage {
  tenantId: string;
  userId: string;
  /** Its created_at, and when it was scheduled, sent and delivered. */
  at: Date;
  subject?: string | null;
  channel?: 'in_app' | 'email';
  /** 'scheduled': not sent yet, so not in the inbox. */
  until?: 'delivered' | 'scheduled';
}

const causation: Causation = {
  actor: { type: 'system', id: 'inbox-test' },
  correlationId: 'inbox-test',
  causationId: null,
};

/**
 * A message as triggers and the dispatcher leave it: requested and scheduled at `at`, then (by
 * default) sent and delivered; the read-model row at version 4, status delivered.
 */
export async function seedMessage(pool: pg.Pool, seed: SeededMessage): Promise<string> {
  const id = randomUUID();
  const channel = seed.channel ?? 'in_app';
  const writer = { store, now: () => seed.at };
  const at = seed.at.toISOString();
  await withTransaction(
    pool,
    async (client: pg.PoolClient) => {
      await createMessage(
        client,
        writer,
        {
          id,
          tenantId: seed.tenantId,
          transactionId: `inbox-${id}`,
          channel,
          templateKey: 'welcome',
          templateVersion: 1,
          category: 'general',
          critical: false,
          userId: seed.userId,
          address: channel === 'email' ? 'ada@example.com' : null,
          subject: seed.subject === undefined ? `Subject ${at}` : seed.subject,
          body: `<p>Body ${at}</p>`,
          data: {},
          digestKey: null,
          digestMessageId: null,
        },
        [
          {
            type: 'notification.requested',
            data: {
              transactionId: `inbox-${id}`,
              channel,
              templateKey: 'welcome',
              templateVersion: 1,
              critical: false,
              userId: seed.userId,
              address: channel === 'email' ? 'ada@example.com' : null,
              trigger: { source: 'api' },
              preference: {
                enabled: true,
                source: 'template_default',
                category: 'general',
                values: { critical: false, category: null, channel: null, templateDefault: true },
              },
              digestKey: null,
            },
          },
          { type: 'notification.scheduled', data: { scheduledFor: at, reason: 'immediate', digestMessageId: null } },
        ],
        causation,
      );
      if (seed.until === 'scheduled') return;
      await recordMessageEvents(
        client,
        writer,
        { tenantId: seed.tenantId, messageId: id },
        [
          { type: 'notification.sent', data: { provider: 'inbox', providerMessageId: null, attempt: 1, latencyMs: 1 } },
          { type: 'notification.delivered', data: { provider: 'inbox', at } },
        ],
        causation,
      );
    },
    { tenantId: seed.tenantId },
  );
  return id;
}

/** The message's event types in stream order, and its read-model status and version. */
export async function messageHistory(pool: pg.Pool, tenantId: string, id: string) {
  return withTransaction(
    pool,
    async (client: pg.PoolClient) => {
      const events = await store.readStream(client, { aggregateType: MESSAGE_AGGREGATE, aggregateId: id });
      const { rows } = await client.query<{ status: string; version: number }>(
        'SELECT status, version FROM notification.messages WHERE id = $1',
        [id],
      );
      return { types: events.map((event) => event.type), ...rows[0] };
    },
    { tenantId },
  );
}

/** `count` inbox messages of the user, one second apart from `from`, oldest first. */
export async function seedInbox(
  pool: pg.Pool,
  tenantId: string,
  userId: string,
  count: number,
  from = new Date('2031-01-01T00:00:00.000Z'),
) {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1)
    ids.push(await seedMessage(pool, { tenantId, userId, at: new Date(from.getTime() + index * 1000) }));
  return ids;
}
