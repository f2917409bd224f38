import type pg from 'pg';
import type { NotificationChannel } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import type { MessageEvent, NewMessage } from '../messages/message-events.ts';
import { addToDigest } from './digest.ts';
import type { MessagePlan } from './plan-message.ts';
import type { SendTemplate, TriggerSource } from './trigger.ts';
import type { Recipient, TriggerInput } from './trigger-request.ts';

/** One recipient x channel of a trigger, planned and rendered, not yet written. */
export interface PlannedMessage {
  id: string;
  /** The recipient's position in the trigger's `to`. */
  index: number;
  input: TriggerInput;
  source: TriggerSource;
  transactionId: string;
  recipient: Recipient;
  channel: NotificationChannel;
  template: SendTemplate;
  plan: MessagePlan;
  /** Digest items are rendered together when their digest goes out. */
  rendered: { subject: string | null; body: string };
}

/**
 * The row and first events of a planned message: requested with the preference decision, then
 * suppressed, or scheduled (for now, after quiet hours, or for its digest's end, which adding
 * the item to its digest tells).
 */
export async function buildMessage(
  ctx: NotificationContext,
  client: pg.PoolClient,
  message: PlannedMessage,
): Promise<NewMessage> {
  const { input, source, channel, template, plan } = message;
  const digest =
    plan.outcome === 'digest'
      ? await addToDigest(ctx, client, {
          tenantId: source.tenantId,
          recipient: message.recipient,
          channel,
          digest: input.digest!,
          templateKey: input.templateKey,
          template,
          plan,
          causation: source.causation,
          trigger: source.trigger,
        })
      : null;
  const userId = message.recipient.userId ?? null;
  const requested: MessageEvent = {
    type: 'notification.requested',
    data: {
      transactionId: message.transactionId,
      channel,
      templateKey: input.templateKey,
      templateVersion: template.version,
      critical: template.critical,
      userId,
      address: plan.address,
      trigger: source.trigger,
      preference: plan.preference,
      digestKey: input.digest?.key ?? null,
    },
  };
  const next: MessageEvent =
    plan.outcome === 'suppressed'
      ? { type: 'notification.suppressed', data: { reason: plan.reason, detail: plan.detail } }
      : {
          type: 'notification.scheduled',
          data: digest
            ? { scheduledFor: digest.windowEnd.toISOString(), reason: 'digest', digestMessageId: digest.id }
            : {
                scheduledFor: (plan as { at: Date }).at.toISOString(),
                reason: (plan as { reason: 'immediate' | 'quiet_hours' }).reason,
                digestMessageId: null,
              },
        };
  return {
    row: {
      id: message.id,
      tenantId: source.tenantId,
      transactionId: message.transactionId,
      channel,
      templateKey: input.templateKey,
      templateVersion: template.version,
      category: template.category,
      critical: template.critical,
      userId,
      address: plan.address,
      subject: message.rendered.subject,
      body: message.rendered.body,
      data: input.data,
      digestKey: input.digest?.key ?? null,
      digestMessageId: digest?.id ?? null,
    },
    events: [requested, next],
    causation: source.causation,
    dueAt: plan.outcome === 'scheduled' ? plan.at : null,
  };
}
