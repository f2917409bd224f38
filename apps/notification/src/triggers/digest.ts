import type pg from 'pg';
import type { EventData } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import { createMessage, type Causation } from '../messages/message-events.ts';
import type { PreferenceDecision } from '../preferences/resolve-preference.ts';
import type { Recipient } from './trigger-request.ts';

export interface DigestItem {
  tenantId: string;
  recipient: Recipient;
  channel: NotificationChannel;
  digest: { key: string; windowSeconds: number };
  templateKey: string;
  template: { id: string; version: number; category: string; critical: boolean };
  plan: { address: string | null; preference: PreferenceDecision };
  causation: Causation;
  trigger: EventData<'notification.requested'>['trigger'];
}

/**
 * Adds one item to the open digest of its recipient, channel and key, opening one when there is
 * none. The partial unique index `digests_one_open` makes the open digest one row whatever the
 * concurrency or the number of replicas: the upsert locks it until this transaction commits, and
 * the dispatcher closes it under the same lock, so an item is either in the digest that goes out
 * or opens the next one. Opening a digest creates its message (rendered when it is sent) and
 * queues it for the window's end.
 */
export async function addToDigest(
  ctx: NotificationContext,
  client: pg.PoolClient,
  item: DigestItem,
): Promise<{ id: string; windowEnd: Date }> {
  const now = ctx.now();
  const recipientKey = item.recipient.userId ?? item.plan.address ?? '';
  const { rows } = await client.query<{ id: string; window_end: Date; opened: boolean }>(
    `INSERT INTO notification.digests (id, tenant_id, recipient, channel, digest_key, template_key, window_end, item_count, created_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 1, $7)
     ON CONFLICT (tenant_id, recipient, channel, digest_key) WHERE closed_at IS NULL
     DO UPDATE SET item_count = digests.item_count + 1
     RETURNING id, window_end, (xmax = 0) AS opened`,
    [
      item.tenantId,
      recipientKey,
      item.channel,
      item.digest.key,
      item.templateKey,
      new Date(now.getTime() + item.digest.windowSeconds * 1000),
      now,
    ],
  );
  const digest = rows[0]!;
  if (digest.opened) await openDigestMessage(ctx, client, item, digest.id, digest.window_end);
  return { id: digest.id, windowEnd: digest.window_end };
}

async function openDigestMessage(
  ctx: NotificationContext,
  client: pg.PoolClient,
  item: DigestItem,
  id: string,
  windowEnd: Date,
): Promise<void> {
  const transactionId = `digest:${id}`;
  await createMessage(
    client,
    ctx,
    {
      id,
      tenantId: item.tenantId,
      transactionId,
      channel: item.channel,
      templateKey: item.templateKey,
      templateVersion: item.template.version,
      category: item.template.category,
      critical: item.template.critical,
      userId: item.recipient.userId ?? null,
      address: item.plan.address,
      subject: null,
      body: '',
      // Rendered from its items when it goes out, with the template version its first item used.
      data: { templateId: item.template.id },
      digestKey: item.digest.key,
      digestMessageId: null,
    },
    [
      {
        type: 'notification.requested',
        data: {
          transactionId,
          channel: item.channel,
          templateKey: item.templateKey,
          templateVersion: item.template.version,
          critical: item.template.critical,
          userId: item.recipient.userId ?? null,
          address: item.plan.address,
          trigger: item.trigger,
          preference: item.plan.preference,
          digestKey: item.digest.key,
        },
      },
      {
        type: 'notification.scheduled',
        data: { scheduledFor: windowEnd.toISOString(), reason: 'digest', digestMessageId: null },
      },
    ],
    item.causation,
    windowEnd,
  );
}
