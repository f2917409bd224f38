import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import { createEvent } from '@bizosaas/event-schemas';
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
 * suppressed as bounced. Transient: retried with backoff until SEND_MAX_ATTEMPTS, then
 * `notification.failed` (dead-lettered: listed with status failed).
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
    if (message.channel === 'email' && message.address)
      await client.query(
        `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, message_id, created_at)
         VALUES ($1, 'email', $2, 'bounced', $3, $4) ON CONFLICT DO NOTHING`,
        [message.tenantId, message.address, message.id, ctx.now()],
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

/**
 * The common case in few round trips: a message the claim read (so its version is known) that a
 * provider accepted. In one tenant transaction: `notification.sent` (in-app: also `delivered`)
 * appended at that version, then one statement records the attempts, updates the read model and
 * drops the queue entry. A version that moved meanwhile (a cancel, a callback) falls back to
 * recordOutcome, which locks the row and decides again.
 */
export async function recordSent(
  ctx: NotificationContext,
  pool: pg.Pool,
  message: QueuedMessage & { version: number },
  previousAttempts: number,
  result: SendResult,
  causation: Causation,
): Promise<Outcome> {
  const attempt = previousAttempts + 1;
  const accepted = result.attempts.at(-1)!;
  const at = ctx.now();
  const events: MessageEvent[] = [
    {
      type: 'notification.sent',
      data: {
        provider: accepted.provider,
        providerMessageId: accepted.providerMessageId,
        attempt,
        latencyMs: accepted.latencyMs,
      },
    },
    ...(message.channel === 'in_app'
      ? [{ type: 'notification.delivered' as const, data: { provider: accepted.provider, at: at.toISOString() } }]
      : []),
  ];
  try {
    await ctx.store.transaction(pool, message.tenantId, async (client) => {
      await ctx.store.append(client, {
        tenantId: message.tenantId,
        aggregateType: MESSAGE_AGGREGATE,
        aggregateId: message.id,
        expectedVersion: message.version,
        events: events.map((event, index) =>
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
      });
      const tried = result.attempts;
      await client.query(
        `WITH attempts AS (
           INSERT INTO notification.message_attempts (id, tenant_id, message_id, attempt, provider, outcome, response, latency_ms, started_at)
           SELECT id, $2, $1, $3, provider, outcome, response, latency, started
           FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[])
             AS t(id, provider, outcome, response, latency, started)),
         dequeued AS (DELETE FROM notification.delivery_queue WHERE message_id = $1)
         UPDATE notification.messages SET status = $10, version = $11, updated_at = $12, provider = $13,
           provider_message_id = $14, attempts = $3, sent_at = $12, delivered_at = $15
         WHERE id = $1`,
        [
          message.id,
          message.tenantId,
          attempt,
          tried.map(() => randomUUID()),
          tried.map((one) => one.provider),
          tried.map((one) => one.outcome),
          tried.map((one) => one.response.slice(0, 1000)),
          tried.map((one) => one.latencyMs),
          tried.map((one) => one.startedAt),
          message.channel === 'in_app' ? 'delivered' : 'sent',
          message.version + events.length,
          at,
          accepted.provider,
          accepted.providerMessageId,
          message.channel === 'in_app' ? at : null,
        ],
      );
    });
    return 'sent';
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    return ctx.store.transaction(pool, message.tenantId, (client) =>
      recordOutcome(ctx, client, message, previousAttempts, result, causation),
    );
  }
}
