import type { Redis } from 'ioredis';
import type { ConsumerMonitor, ServiceApp } from '@bizosaas/service-kit';
import type { Config } from '../config.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { createLeadScoringConsumer, LEAD_SCORING_GROUP } from './lead-scoring-consumer.ts';
import { leadScoringPolicyRoutes } from './lead-scoring-policy.routes.ts';

/**
 * Lead scoring's side here: the tenant policy's routes and the consumer of AI scores, started
 * when the app is ready and stopped (the event in hand finished) before the pools close;
 * `consumers` shows it on `/ready`.
 */
export function attachLeadScoring(
  app: ServiceApp,
  ctx: RoutesContext,
  config: Config,
  redis: Redis,
  consumers?: ConsumerMonitor,
): void {
  leadScoringPolicyRoutes(app, ctx);
  const consumer = createLeadScoringConsumer({
    redis,
    pool: ctx.pool,
    store: ctx.store,
    now: ctx.now,
    namespace: config.EVENT_STREAM_NAMESPACE,
    consumerName: config.CONSUMER_NAME,
    log: app.log,
    onSignal: (signal) => {
      consumers?.observe(signal, LEAD_SCORING_GROUP);
      if (signal.kind === 'paused') app.log.warn({ err: signal.error }, 'lead scoring paused: PostgreSQL is down');
      if (signal.kind === 'failed')
        app.log.warn({ err: signal.error, delivery: signal.delivery }, 'lead score failed; it will be retried');
      if (signal.kind === 'dead_lettered')
        app.log.error({ delivery: signal.delivery, reason: signal.reason }, 'lead score dead-lettered');
      if (signal.kind === 'error') app.log.warn({ err: signal.error }, 'lead scoring consumer error');
    },
  });
  consumers?.track(consumer);
  app.addHook('onReady', () => consumer.start());
  app.addHook('preClose', () => consumer.stop());
}
