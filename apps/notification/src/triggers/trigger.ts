import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { uuidv7, type EventData } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import { createMessages, type Causation } from '../messages/message-events.ts';
import { renderTemplate } from '../templates/render.ts';
import { findTemplatesForSend } from '../templates/template-store.ts';
import { buildMessage, type PlannedMessage } from './build-message.ts';
import { planMessage } from './plan-message.ts';
import { loadRecipientFacts } from './recipient-facts.ts';
import type { Recipient, TriggerAccepted, TriggerInput } from './trigger-request.ts';

const ALL_CHANNELS: readonly NotificationChannel[] = ['email', 'sms', 'push', 'in_app'];

export interface TriggerSource {
  tenantId: string;
  causation: Causation;
  trigger: EventData<'notification.requested'>['trigger'];
  /** The Idempotency-Key header, when the body names no transactionId. */
  idempotencyKey?: string;
}

export interface TriggerWork {
  input: TriggerInput;
  source: TriggerSource;
}

export interface TriggerResult {
  accepted: TriggerAccepted;
  repeated: boolean;
}

export type SendTemplate = NonNullable<ReturnType<Awaited<ReturnType<typeof findTemplatesForSend>>['get']>>;

type TemplateFinder = (
  key: string,
  channels: readonly NotificationChannel[],
  locale: string,
) => Promise<Map<NotificationChannel, SendTemplate>>;

/** A trigger planned and rendered, before anything is written. */
interface PreparedTrigger {
  transactionId: string;
  fingerprint: string;
  answer: TriggerAccepted;
  messages: PlannedMessage[];
}

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
): Promise<TriggerResult> {
  const [result] = await runTriggers(ctx, source.tenantId, [{ input, source }]);
  if (result!.status === 'rejected') throw result!.reason;
  return result!.value;
}

/**
 * Runs triggers of one tenant as runTrigger does, all in one transaction (group commit): their
 * reads, the claim of their transactionIds and their messages take a few statements whatever
 * their number. A trigger that cannot be planned (no template, a rendering error) fails alone
 * before anything is written; when the transaction fails, each trigger runs again on its own, so
 * one trigger's failure never fails another.
 */
export async function runTriggers(
  ctx: NotificationContext,
  tenantId: string,
  works: readonly TriggerWork[],
): Promise<PromiseSettledResult<TriggerResult>[]> {
  const keyed = works.map((work) => ({ ...work, transactionId: transactionIdOf(work) }));
  let outcomes: Outcome[];
  try {
    outcomes = await ctx.store.transaction(ctx.pool, tenantId, (client) => writeTriggers(ctx, client, tenantId, keyed));
  } catch (error) {
    if (works.length > 1) return Promise.all(works.map((work) => settle(runTrigger(ctx, work.input, work.source))));
    outcomes = [{ error }];
  }
  return Promise.all(
    outcomes.map(async (outcome, index): Promise<PromiseSettledResult<TriggerResult>> => {
      if ('accepted' in outcome) return { status: 'fulfilled', value: { accepted: outcome.accepted, repeated: false } };
      // A repeat answers the first 202, even when this attempt failed otherwise (a template since broken).
      const error = 'error' in outcome ? outcome.error : new Error('a repeated transactionId left no answer');
      return settle(
        answerOfRepeat(ctx, tenantId, keyed[index]!.transactionId, fingerprintOf(works[index]!.input), error),
      );
    }),
  );
}

type KeyedWork = TriggerWork & { transactionId: string };

type Outcome = { accepted: TriggerAccepted } | { repeat: true } | { error: unknown };

async function writeTriggers(
  ctx: NotificationContext,
  client: pg.PoolClient,
  tenantId: string,
  works: readonly KeyedWork[],
): Promise<Outcome[]> {
  const find = findTemplatesOnce(client, tenantId);
  const facts = await loadRecipientFacts(
    client,
    works.flatMap((work) => work.input.to),
  );
  const prepared: (PreparedTrigger | { error: unknown })[] = [];
  let offset = 0;
  for (const work of works) {
    const mine = facts.slice(offset, (offset += work.input.to.length));
    prepared.push(await prepareTrigger(ctx, find, work, mine).catch((error: unknown) => ({ error })));
  }
  const claimed = await claimTransactions(ctx, client, tenantId, prepared);
  const fresh = prepared.filter((one): one is PreparedTrigger => 'answer' in one && claimed.has(one));
  const messages = [];
  for (const one of fresh) for (const message of one.messages) messages.push(await buildMessage(ctx, client, message));
  await createMessages(client, ctx, messages);
  return prepared.map((one) =>
    'error' in one ? one : claimed.has(one) ? { accepted: one.answer } : { repeat: true as const },
  );
}

/** Plans every recipient x channel of a trigger and renders what goes out now: pure, nothing written. */
async function prepareTrigger(
  ctx: NotificationContext,
  find: TemplateFinder,
  work: KeyedWork,
  facts: Awaited<ReturnType<typeof loadRecipientFacts>>,
): Promise<PreparedTrigger> {
  const { input, source, transactionId } = work;
  const templates = await templatesFor(find, input);
  const messages: PlannedMessage[] = [];
  for (const [index, recipientFacts] of facts.entries()) {
    for (const [channel, template] of templates(recipientFacts.recipient)) {
      const plan = planMessage({
        channel,
        template,
        facts: recipientFacts,
        digest: input.digest !== undefined,
        now: ctx.now(),
      });
      const rendered =
        plan.outcome === 'digest'
          ? { subject: null, body: '' }
          : renderTemplate({ subject: template.subject, body: template.body, channel }, input.data);
      messages.push({
        id: randomUUID(),
        index,
        input,
        source,
        transactionId,
        recipient: recipientFacts.recipient,
        channel,
        template,
        plan,
        rendered,
      });
    }
  }
  const answer = {
    transactionId,
    messages: messages.map(({ id, channel, index, plan }) => ({
      id,
      channel,
      recipient: index,
      status:
        plan.outcome === 'suppressed'
          ? ('suppressed' as const)
          : plan.outcome === 'digest'
            ? ('digested' as const)
            : ('scheduled' as const),
      reason: plan.outcome === 'suppressed' ? plan.reason : null,
    })),
  };
  return { transactionId, fingerprint: fingerprintOf(input), answer, messages };
}

/**
 * Stores each planned trigger's transactionId with its answer, in one statement: the ones it
 * inserts go on; the others are repeats (a concurrent one waits here for the first to commit)
 * and write nothing. A transactionId twice in one batch counts once, the later one a repeat.
 */
async function claimTransactions(
  ctx: NotificationContext,
  client: pg.PoolClient,
  tenantId: string,
  prepared: readonly (PreparedTrigger | { error: unknown })[],
): Promise<Set<PreparedTrigger>> {
  const first = new Map<string, PreparedTrigger>();
  for (const one of prepared) if ('answer' in one && !first.has(one.transactionId)) first.set(one.transactionId, one);
  if (first.size === 0) return new Set();
  const rows = [...first.values()].map((one) => ({
    id: one.transactionId,
    fingerprint: one.fingerprint,
    response: one.answer,
  }));
  // In transactionId order, so two batches claiming the same ids cannot deadlock.
  const { rows: inserted } = await client.query<{ transaction_id: string }>({
    name: 'notification-claim-transactions',
    text: `INSERT INTO notification.trigger_transactions (tenant_id, transaction_id, fingerprint, response, created_at)
     SELECT $1, t.id, t.fingerprint, t.response, $2
     FROM jsonb_to_recordset($3::jsonb) AS t(id text, fingerprint text, response jsonb) ORDER BY t.id
     ON CONFLICT DO NOTHING RETURNING transaction_id`,
    values: [tenantId, ctx.now(), JSON.stringify(rows)],
  });
  return new Set(inserted.map((row) => first.get(row.transaction_id)!));
}

const transactionIdOf = ({ input, source }: TriggerWork) => input.transactionId ?? source.idempotencyKey ?? uuidv7();

const settle = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> =>
  promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

function fingerprintOf(input: TriggerInput): string {
  const { transactionId: _ignored, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('base64url');
}

/** The first answer of a repeated transactionId; the same id with another request is refused; else the error stands. */
async function answerOfRepeat(
  ctx: NotificationContext,
  tenantId: string,
  transactionId: string,
  fingerprint: string,
  error: unknown,
): Promise<TriggerResult> {
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
  if (!row) throw error;
  if (row.fingerprint !== fingerprint)
    throw new BusinessRuleViolation(
      'transaction_id_reused',
      `transactionId ${transactionId} was used for another request; a repeat must send the same one`,
      { transactionId },
    );
  return { accepted: row.response, repeated: true };
}

/** findTemplatesForSend, each key, channel list and locale asked once per transaction. */
function findTemplatesOnce(client: pg.PoolClient, tenantId: string): TemplateFinder {
  const found = new Map<string, ReturnType<TemplateFinder>>();
  return (key, channels, locale) => {
    const id = `${key} ${channels.join(',')} ${locale}`;
    let lookup = found.get(id);
    if (!lookup) found.set(id, (lookup = findTemplatesForSend(client, tenantId, key, channels, locale)));
    return lookup;
  };
}

/** The templates of each channel for a recipient's locale (looked up once per channel and locale). */
async function templatesFor(find: TemplateFinder, input: TriggerInput) {
  const channels = input.channels ?? ALL_CHANNELS;
  const locales = [...new Set(input.to.map((to) => to.locale ?? 'en'))];
  const found = new Map<string, SendTemplate>();
  for (const locale of locales)
    for (const [channel, template] of await find(input.templateKey, channels, locale))
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
