import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { uuidv7, type EventData } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import { createMessage, type Causation, type MessageEvent } from '../messages/message-events.ts';
import { renderTemplate } from '../templates/render.ts';
import { findTemplatesForSend } from '../templates/template-store.ts';
import { addToDigest } from './digest.ts';
import { planMessage, type MessagePlan } from './plan-message.ts';
import { loadRecipientFacts } from './recipient-facts.ts';
import type { MessageSummary, Recipient, TriggerAccepted, TriggerInput } from './trigger-request.ts';

const ALL_CHANNELS: readonly NotificationChannel[] = ['email', 'sms', 'push', 'in_app'];

export interface TriggerSource {
  tenantId: string;
  causation: Causation;
  trigger: EventData<'notification.requested'>['trigger'];
  /** The Idempotency-Key header, when the body names no transactionId. */
  idempotencyKey?: string;
}

type SendTemplate = NonNullable<ReturnType<Awaited<ReturnType<typeof findTemplatesForSend>>['get']>>;

/**
 * Runs one trigger in one transaction of its tenant, keyed by its transactionId (a repeat answers
 * the first 202 and sends nothing): renders the template per recipient and channel, plans each
 * message (preferences, suppressions, quiet hours, digest) and creates it with its events and its
 * place in the delivery queue. Nothing is stored when any recipient's rendering fails.
 */
export async function runTrigger(
  ctx: NotificationContext,
  input: TriggerInput,
  source: TriggerSource,
): Promise<{ accepted: TriggerAccepted; repeated: boolean }> {
  const transactionId = input.transactionId ?? source.idempotencyKey ?? uuidv7();
  const fingerprint = fingerprintOf(input);
  const { tenantId } = source;
  try {
    const accepted = await ctx.store.transaction(ctx.pool, tenantId, async (client) => {
      const templates = await templatesFor(client, tenantId, input);
      const facts = await loadRecipientFacts(client, input.to);
      const messages: MessageSummary[] = [];
      for (const [index, recipientFacts] of facts.entries()) {
        for (const [channel, template] of templates(recipientFacts.recipient)) {
          const plan = planMessage({
            channel,
            template,
            facts: recipientFacts,
            digest: input.digest !== undefined,
            now: ctx.now(),
          });
          const summary = await storeMessage(ctx, client, {
            input,
            source,
            transactionId,
            recipient: recipientFacts.recipient,
            channel,
            template,
            plan,
          });
          messages.push({ ...summary, recipient: index });
        }
      }
      const answer = { transactionId, messages };
      // Last, so the common case is one statement: a repeat (even a concurrent one, which waits
      // here for the first to commit) inserts nothing and rolls its work back.
      const inserted = await client.query(
        `INSERT INTO notification.trigger_transactions (tenant_id, transaction_id, fingerprint, response, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [tenantId, transactionId, fingerprint, answer, ctx.now()],
      );
      if (inserted.rowCount !== 1) throw new RepeatedTransaction();
      return answer;
    });
    return { accepted, repeated: false };
  } catch (error) {
    // A repeat answers the first 202, even when this attempt failed otherwise (a template since broken).
    const earlier = await earlierAnswer(ctx, tenantId, transactionId, fingerprint);
    if (earlier) return { accepted: earlier, repeated: true };
    throw error;
  }
}

class RepeatedTransaction extends Error {}

function fingerprintOf(input: TriggerInput): string {
  const { transactionId: _ignored, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}

/** The stored answer of an earlier trigger with this transactionId; the same id with another request is refused. */
async function earlierAnswer(
  ctx: NotificationContext,
  tenantId: string,
  transactionId: string,
  fingerprint: string,
): Promise<TriggerAccepted | null> {
  const { rows } = await withTransaction(
    ctx.pool,
    (client) =>
      client.query<{ fingerprint: string; response: TriggerAccepted }>(
        'SELECT fingerprint, response FROM notification.trigger_transactions WHERE tenant_id = $1 AND transaction_id = $2',
        [tenantId, transactionId],
      ),
    { tenantId },
  );
  const row = rows[0];
  if (!row) return null;
  if (row.fingerprint !== fingerprint)
    throw new BusinessRuleViolation(
      'transaction_id_reused',
      `transactionId ${transactionId} was used for another request; a repeat must send the same one`,
      { transactionId },
    );
  return row.response;
}

/** The templates of each channel for a recipient's locale (looked up once per channel and locale). */
async function templatesFor(client: pg.PoolClient, tenantId: string, input: TriggerInput) {
  const channels = input.channels ?? ALL_CHANNELS;
  const locales = [...new Set(input.to.map((to) => to.locale ?? 'en'))];
  const found = new Map<string, SendTemplate>();
  for (const locale of locales)
    for (const [channel, template] of await findTemplatesForSend(client, tenantId, input.templateKey, channels, locale))
      found.set(`${channel} ${locale}`, template);
  const missing = input.channels?.filter((channel) => !locales.some((locale) => found.has(`${channel} ${locale}`)));
  if (found.size === 0 || (missing && missing.length > 0))
    throw new BusinessRuleViolation(
      'template_exists',
      `No template ${input.templateKey} for ${missing?.length ? missing.join(', ') : 'any channel'}`,
      { templateKey: input.templateKey, channels: missing ?? channels },
    );
  return (to: Recipient): [NotificationChannel, SendTemplate][] =>
    channels.flatMap((channel) => {
      const template = found.get(`${channel} ${to.locale ?? 'en'}`);
      return template ? [[channel, template] as [NotificationChannel, SendTemplate]] : [];
    });
}

async function storeMessage(
  ctx: NotificationContext,
  client: pg.PoolClient,
  work: {
    input: TriggerInput;
    source: TriggerSource;
    transactionId: string;
    recipient: Recipient;
    channel: NotificationChannel;
    template: SendTemplate;
    plan: MessagePlan;
  },
): Promise<Omit<MessageSummary, 'recipient'>> {
  const { input, source, channel, template, plan } = work;
  const id = randomUUID();
  // Digest items are rendered together when their digest goes out.
  const rendered =
    plan.outcome === 'digest'
      ? { subject: null, body: '' }
      : renderTemplate({ subject: template.subject, body: template.body, channel }, input.data);
  const digest =
    plan.outcome === 'digest'
      ? await addToDigest(ctx, client, {
          tenantId: source.tenantId,
          recipient: work.recipient,
          channel,
          digest: input.digest!,
          templateKey: input.templateKey,
          template,
          plan,
          causation: source.causation,
          trigger: source.trigger,
        })
      : null;
  const requested = {
    type: 'notification.requested' as const,
    data: {
      transactionId: work.transactionId,
      channel,
      templateKey: input.templateKey,
      templateVersion: template.version,
      critical: template.critical,
      userId: work.recipient.userId ?? null,
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
          data:
            plan.outcome === 'digest'
              ? { scheduledFor: digest!.windowEnd.toISOString(), reason: 'digest', digestMessageId: digest!.id }
              : { scheduledFor: plan.at.toISOString(), reason: plan.reason, digestMessageId: null },
        };
  const status = await createMessage(
    client,
    ctx,
    {
      id,
      tenantId: source.tenantId,
      transactionId: work.transactionId,
      channel,
      templateKey: input.templateKey,
      templateVersion: template.version,
      category: template.category,
      critical: template.critical,
      userId: requested.data.userId,
      address: plan.address,
      subject: rendered.subject,
      body: rendered.body,
      data: input.data,
      digestKey: input.digest?.key ?? null,
      digestMessageId: digest?.id ?? null,
    },
    [requested, next],
    source.causation,
  );
  if (plan.outcome === 'scheduled')
    await client.query('INSERT INTO notification.delivery_queue (message_id, tenant_id, due_at) VALUES ($1, $2, $3)', [
      id,
      source.tenantId,
      plan.at,
    ]);
  return {
    id,
    channel,
    status: status === 'suppressed' ? 'suppressed' : status === 'digested' ? 'digested' : 'scheduled',
    reason: plan.outcome === 'suppressed' ? plan.reason : null,
  };
}
