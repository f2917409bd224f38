import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import { createEvent } from '@bizosaas/event-schemas';
import type { AppendInput } from '@bizosaas/event-store';
import type { SendResult } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import {
  MESSAGE_AGGREGATE,
  recordMessageEvents,
  type Causation,
  type MessageEvent,
} from '../messages/message-events.ts';
import { retryDelayMs } from './claim-due.ts';
import type { QueuedMessage } from './prepare-send.ts';

export type Outcome = 'sent' | 'retry' | 'failed' | 'bounced';

/**
 * Records one send in the message's tenant transaction: every provider attempt, then the
 * message's fate. Sent: `notification.sent` (in-app also `delivered`: the inbox has it) and the
 * queue row goes. A permanent refusal (an SMTP 5xx for the address, an invalid number, only
 * expired push subscriptions): `notification.failed` (permanent), and for email the address is
 * suppressed as bounced, for SMS as unsubscribed when the provider says the recipient opted out
 * (Twilio 21610, a STOP reply; `lastError` carries its answer). Transient: retried with backoff
 * until SEND_MAX_ATTEMPTS, then `notification.failed` (dead-lettered: listed with status failed).
 */
export async function recordOutcome(
  ctx: NotificationContext,
  client: pg.PoolClient,
  message: QueuedMessage,
  previousAttempts: number,
  result: SendResult,
  causation: Causation,
): Promise<Outcome> {
  const attempt = previousAttempts + 1;
  for (const tried of result.attempts)
    await client.query(
      `INSERT INTO notification.message_attempts (id, tenant_id, message_id, attempt, provider, outcome, response, latency_ms, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        randomUUID(),
        message.tenantId,
        message.id,
        attempt,
        tried.provider,
        tried.outcome,
        tried.response.slice(0, 1000),
        tried.latencyMs,
        tried.startedAt,
      ],
    );
  if (result.expiredEndpoints?.length)
    await client.query('DELETE FROM notification.push_subscriptions WHERE endpoint = ANY($1)', [
      result.expiredEndpoints,
    ]);
  const record = (events: MessageEvent[]) =>
    recordMessageEvents(client, ctx, { tenantId: message.tenantId, messageId: message.id }, events, causation);
  const dequeue = () => client.query('DELETE FROM notification.delivery_queue WHERE message_id = $1', [message.id]);
  const last = result.attempts.at(-1);
  const lastError = result.attempts
    .map((tried) => `${tried.provider}: ${tried.response}`)
    .join('; ')
    .slice(0, 1000);
  if (result.status === 'sent' && last) {
    const at = ctx.now().toISOString();
    await record([
      {
        type: 'notification.sent',
        data: {
          provider: last.provider,
          providerMessageId: last.providerMessageId,
          attempt,
          latencyMs: last.latencyMs,
        },
      },
      ...(message.channel === 'in_app'
        ? [{ type: 'notification.delivered' as const, data: { provider: last.provider, at } }]
        : []),
    ]);
    await dequeue();
    return 'sent';
  }
  if (result.status === 'permanent_failure') {
    await record([{ type: 'notification.failed', data: { attempts: attempt, permanent: true, lastError } }]);
    const suppressAs =
      message.channel === 'email' ? 'bounced' : message.channel === 'sms' && last?.unsubscribed ? 'unsubscribed' : null;
    if (suppressAs && message.address)
      await client.query(
        `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, message_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [message.tenantId, message.channel, message.address, suppressAs, message.id, ctx.now()],
      );
    await dequeue();
    return message.channel === 'email' ? 'bounced' : 'failed';
  }
  if (attempt >= ctx.config.SEND_MAX_ATTEMPTS) {
    await record([{ type: 'notification.failed', data: { attempts: attempt, permanent: false, lastError } }]);
    await dequeue();
    return 'failed';
  }
  await client.query(
    `UPDATE notification.delivery_queue SET attempts = $2, claimed_until = NULL, due_at = $3 WHERE message_id = $1`,
    [message.id, attempt, new Date(ctx.now().getTime() + retryDelayMs(attempt, ctx.config.SEND_RETRY_BASE_MS))],
  );
  await client.query('UPDATE notification.messages SET attempts = $2, updated_at = $3 WHERE id = $1', [
    message.id,
    attempt,
    ctx.now(),
  ]);
  return 'retry';
}

export interface AcceptedSend {
  /** A message the claim read, so its version is known. */
  message: QueuedMessage & { version: number };
  previousAttempts: number;
  result: SendResult;
  causation: Causation;
}

/**
 * Every accepted send's attempts, read-model update and dequeue in one statement (rows as JSON
 * arrays). The messages and queue entries are found by their keys ($5, the ids): joined to the
 * JSON rows alone, PostgreSQL's estimate of a function's rows (100) led it to hash every message of
 * the tenant and scan the whole queue on each call, a cost growing with the tenant's history.
 */
const RECORD_SENT = `WITH input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS r(id uuid, status text, version int, provider text, provider_message_id text, attempts int, delivered boolean)),
   attempts AS (
     INSERT INTO notification.message_attempts (id, tenant_id, message_id, attempt, provider, outcome, response, latency_ms, started_at)
     SELECT id, $2, message_id, attempt, provider, outcome, response, latency_ms, started_at
     FROM jsonb_to_recordset($3::jsonb) AS a(id uuid, message_id uuid, attempt int, provider text, outcome text,
       response text, latency_ms int, started_at timestamptz)),
   dequeued AS (DELETE FROM notification.delivery_queue WHERE message_id = ANY($5::uuid[]))
 UPDATE notification.messages m SET status = i.status, version = i.version, updated_at = $4, provider = i.provider,
   provider_message_id = i.provider_message_id, attempts = i.attempts, sent_at = $4,
   delivered_at = CASE WHEN i.delivered THEN $4::timestamptz END
 FROM input i WHERE m.id = ANY($5::uuid[]) AND m.id = i.id`;

/**
 * The common case in few round trips: messages of one tenant the claim read that a provider
 * accepted, recorded together in one tenant transaction: each one's `notification.sent` (in-app:
 * also `delivered`) appended at its version, then one statement records every attempt, updates
 * the read model and drops the queue entries. When the transaction fails, each is recorded on its
 * own; a version that moved meanwhile (a cancel, a callback) falls back to recordOutcome, which
 * locks the row and decides again.
 */
export async function recordSents(
  ctx: NotificationContext,
  pool: pg.Pool,
  tenantId: string,
  sends: readonly AcceptedSend[],
): Promise<PromiseSettledResult<Outcome>[]> {
  try {
    await ctx.store.transaction(pool, tenantId, async (client) => {
      await ctx.store.appendMany(
        client,
        sends.map((send) => sentStream(ctx, send)),
      );
      await client.query({
        name: 'notification-record-sent',
        text: RECORD_SENT,
        values: [
          JSON.stringify(sends.map(readModelOf)),
          tenantId,
          JSON.stringify(sends.flatMap(attemptsOf)),
          ctx.now(),
          sends.map((send) => send.message.id),
        ],
      });
    });
    return sends.map(() => ({ status: 'fulfilled', value: 'sent' }));
  } catch (error) {
    if (sends.length > 1)
      return (await Promise.all(sends.map((send) => recordSents(ctx, pool, tenantId, [send])))).flat();
    if (!(error instanceof ConcurrencyError)) return [{ status: 'rejected', reason: error }];
    const [{ message, previousAttempts, result, causation }] = sends as [AcceptedSend];
    return ctx.store
      .transaction(pool, tenantId, (client) => recordOutcome(ctx, client, message, previousAttempts, result, causation))
      .then(
        (value): PromiseSettledResult<Outcome>[] => [{ status: 'fulfilled', value }],
        (reason: unknown): PromiseSettledResult<Outcome>[] => [{ status: 'rejected', reason }],
      );
  }
}

function sentEvents({ message, previousAttempts, result }: AcceptedSend, at: Date): MessageEvent[] {
  const accepted = result.attempts.at(-1)!;
  return [
    {
      type: 'notification.sent',
      data: {
        provider: accepted.provider,
        providerMessageId: accepted.providerMessageId,
        attempt: previousAttempts + 1,
        latencyMs: accepted.latencyMs,
      },
    },
    ...(message.channel === 'in_app'
      ? [{ type: 'notification.delivered' as const, data: { provider: accepted.provider, at: at.toISOString() } }]
      : []),
  ];
}

function sentStream(ctx: NotificationContext, send: AcceptedSend): AppendInput {
  const { message, causation } = send;
  return {
    tenantId: message.tenantId,
    aggregateType: MESSAGE_AGGREGATE,
    aggregateId: message.id,
    expectedVersion: message.version,
    events: sentEvents(send, ctx.now()).map((event, index) =>
      createEvent(
        {
          type: event.type,
          tenantId: message.tenantId,
          actor: causation.actor,
          data: event.data,
          aggregateId: message.id,
          aggregateVersion: message.version + index + 1,
          correlationId: causation.correlationId,
          causationId: causation.causationId,
        },
        { now: ctx.now },
      ),
    ),
  };
}

function readModelOf(send: AcceptedSend) {
  const { message, previousAttempts, result } = send;
  const accepted = result.attempts.at(-1)!;
  const inApp = message.channel === 'in_app';
  return {
    id: message.id,
    status: inApp ? 'delivered' : 'sent',
    version: message.version + (inApp ? 2 : 1),
    provider: accepted.provider,
    provider_message_id: accepted.providerMessageId,
    attempts: previousAttempts + 1,
    delivered: inApp,
  };
}

function attemptsOf({ message, previousAttempts, result }: AcceptedSend) {
  return result.attempts.map((tried) => ({
    id: randomUUID(),
    message_id: message.id,
    attempt: previousAttempts + 1,
    provider: tried.provider,
    outcome: tried.outcome,
    response: tried.response.slice(0, 1000),
    latency_ms: tried.latencyMs,
    started_at: tried.startedAt,
  }));
}
