import type { FastifyBaseLogger } from 'fastify';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { createInboxHandler, eventStoreSchemaOf } from '@bizosaas/event-store';
import {
  createConsumer,
  DEFAULT_STREAM_NAMESPACE,
  eventStreamKey,
  type Consumer,
  type ConsumerSignal,
  type Delivery,
} from '@bizosaas/messaging';
import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import { applyToDirectory, isDirectoryEvent } from './recipient-directory.ts';
import { triggerEventRules } from './trigger-event-rules.ts';

/** The consumer group; also the inbox key of the directory's effects. */
export const EVENT_RULES_GROUP = 'notification.rules';

/** The aggregate types whose streams carry the directory's and the rules' events. */
export const EVENT_RULES_AGGREGATE_TYPES = [
  'user',
  'lead',
  'campaign',
  'customer',
  'ai_analysis',
  'analytics_report',
] as const;

export interface EventRulesOptions {
  /** Shows the consumer on /ready. */
  consumers?: ConsumerMonitor;
  /** Key namespace of the event streams (default `bizosaas:events`). */
  namespace?: string;
  /** Called after a rule stored new messages (wakes the dispatcher). */
  onTriggered?: () => void;
}

/**
 * For each event, in stream order: a user event updates the recipient directory inside the
 * inbox transaction (exactly once per event id), which commits before the rules run, so a
 * welcome to a new user finds the user's address. The rules then run outside that transaction:
 * each trigger has its own and is idempotent by event and rule, so they run on every delivery
 * (a failure after the inbox committed is retried by redelivery and sends nothing twice).
 */
export function createEventRulesConsumer(
  ctx: NotificationContext,
  log: FastifyBaseLogger,
  options: EventRulesOptions = {},
): Consumer {
  const directory = createInboxHandler<DomainEvent>({
    pool: ctx.pool,
    schema: eventStoreSchemaOf('notification'),
    consumer: EVENT_RULES_GROUP,
    async handle(event, client) {
      if (!isDirectoryEvent(event)) return;
      const outcome = await applyToDirectory(client, event);
      if (outcome !== 'applied')
        log.info(
          { eventId: event.id, eventType: event.type, userId: event.aggregateId, outcome },
          'directory unchanged',
        );
    },
  });
  const handler = async (event: DomainEvent, delivery: Delivery) => {
    if (isDirectoryEvent(event)) await directory(event, delivery);
    if ((await triggerEventRules(ctx, event, log)) > 0) options.onTriggered?.();
  };
  const namespace = options.namespace ?? DEFAULT_STREAM_NAMESPACE;
  return createConsumer({
    redis: ctx.redis,
    streams: EVENT_RULES_AGGREGATE_TYPES.map((type) => eventStreamKey(type, namespace)),
    group: EVENT_RULES_GROUP,
    consumer: ctx.config.CONSUMER_NAME,
    handler,
    // A new group starts at new entries: events published before it existed never send messages.
    startId: '$',
    healthCheck: () => ctx.pool.query('SELECT 1'),
    onSignal: (signal) => {
      options.consumers?.observe(signal, EVENT_RULES_GROUP);
      logSignal(log, signal);
    },
  });
}

function logSignal(log: FastifyBaseLogger, signal: ConsumerSignal): void {
  if (signal.kind === 'paused') log.warn({ err: signal.error }, 'event rules paused: PostgreSQL is down');
  if (signal.kind === 'failed')
    log.warn({ err: signal.error, delivery: signal.delivery }, 'event rules: delivery failed; it will be retried');
  if (signal.kind === 'dead_lettered')
    log.error({ delivery: signal.delivery, reason: signal.reason }, 'event rules: event dead-lettered');
  if (signal.kind === 'error') log.warn({ err: signal.error }, 'event rules consumer error');
}

/** The consumer as a feature: started when the app is ready, stopped (batch in hand finished) before it closes. */
export function eventRulesFeature(options: EventRulesOptions = {}): FeatureModule {
  return (app, ctx) => {
    const consumer = createEventRulesConsumer(ctx, app.log, options);
    options.consumers?.track(consumer);
    app.addHook('onReady', () => consumer.start());
    app.addHook('preClose', () => consumer.stop());
  };
}
