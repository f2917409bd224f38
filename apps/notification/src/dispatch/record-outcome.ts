import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { SendResult } from '../channels/channel.ts';
import type { NotificationContext } from '../context.ts';
import { recordMessageEvents, type Causation, type MessageEvent } from '../messages/message-events.ts';
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
