import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import {
  createConsumer,
  eventStreamKey,
  type BatchItem,
  type Consumer,
  type ConsumerSignal,
} from '@bizosaas/messaging';
import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { IntegrationContext } from '../context.ts';

/** The consumer group that marks webhooks processed. */
export const WEBHOOK_STATUS_GROUP = 'integration.webhook-status';

/**
 * Pause after each read's rows are marked: the next read takes what arrived meanwhile (up to the
 * batch size), so marking costs a few statements a second however many webhooks arrive.
 */
const MARK_INTERVAL_MS = 250;

// Only the envelope's type and aggregate (the webhook_events row id) are read: the payload,
// up to 500,000 characters, is the subscribers' business.
const received = z.looseObject({ type: z.string(), aggregateId: z.uuid() });
type Received = z.output<typeof received>;

/**
 * A webhook row is `queued` when it commits with its integration.webhook_received in the outbox,
 * and `processed` (with processed_at) once that event is read back from its Redis stream: the
 * relay published it, so every subscriber (the event-bus archive included) can have it. Marking
 * is idempotent (only queued rows change), so a redelivered entry changes nothing.
 */
export async function markProcessed(
  ctx: Pick<IntegrationContext, 'worker' | 'now'>,
  batch: readonly BatchItem<Received>[],
): Promise<void> {
  const ids = batch
    .filter(({ event }) => event.type === 'integration.webhook_received')
    .map(({ event }) => event.aggregateId);
  if (ids.length === 0) return;
  await ctx.worker.query(
    `UPDATE integration.webhook_events SET status = 'processed', processed_at = $2
     WHERE id = ANY($1::uuid[]) AND status = 'queued'`,
    [ids, ctx.now()],
  );
}

function logSignal(log: FastifyBaseLogger, signal: ConsumerSignal): void {
  if (signal.kind === 'paused') log.warn({ err: signal.error }, 'webhook status paused: PostgreSQL is down');
  if (signal.kind === 'failed')
    log.warn({ err: signal.error, delivery: signal.delivery }, 'webhook status: delivery failed; it will be retried');
  if (signal.kind === 'dead_lettered')
    log.error({ delivery: signal.delivery, reason: signal.reason }, 'webhook status: entry dead-lettered');
  if (signal.kind === 'error') log.warn({ err: signal.error }, 'webhook status consumer error');
}

/**
 * Reads the integration_webhook stream in its own group (from the stream's start when the group
 * is new, so nothing published before it is left queued) and marks each read's rows in one
 * statement as the worker role, at most every MARK_INTERVAL_MS.
 */
export function createWebhookStatusConsumer(
  ctx: Pick<IntegrationContext, 'worker' | 'redis' | 'config' | 'now'>,
  log: FastifyBaseLogger,
  consumers?: ConsumerMonitor,
): Consumer {
  return createConsumer<Received>({
    redis: ctx.redis,
    streams: [eventStreamKey('integration_webhook', ctx.config.EVENT_STREAM_NAMESPACE)],
    group: WEBHOOK_STATUS_GROUP,
    consumer: ctx.config.CONSUMER_NAME,
    parse: (raw) => received.parse(raw),
    batchSize: 500,
    batchHandler: async (batch) => {
      await markProcessed(ctx, batch);
      await sleep(MARK_INTERVAL_MS);
    },
    handler: (event, delivery) => markProcessed(ctx, [{ event, delivery }]),
    startId: '0',
    healthCheck: () => ctx.worker.query('SELECT 1'),
    onSignal: (signal) => {
      consumers?.observe(signal, WEBHOOK_STATUS_GROUP);
      logSignal(log, signal);
    },
  });
}
