import pg from 'pg';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import {
  createOutboxNotifier,
  createOutboxRelay,
  writeSideReadiness,
  type OutboxNotifier,
} from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from './record-events.ts';

/**
 * The worker-role pool, the NOTIFY sender and the relay moving this service's outbox to Redis
 * Streams. The relay starts when the app is ready and stops (finishing its batch) on close,
 * before the pool ends. `readiness` is the `/ready` component `outbox` (the relay's backlog).
 */
export function attachOutboxRelay(
  app: FastifyInstance,
  options: { workerDatabaseUrl: string; redis: Redis },
): { notifier: OutboxNotifier; readiness: ReturnType<typeof writeSideReadiness> } {
  const pool = new pg.Pool({ connectionString: options.workerDatabaseUrl, max: 3 });
  pool.on('error', (error) => app.log.warn({ err: error }, 'worker pool connection error'));
  const onError = (error: unknown) => app.log.warn({ err: error }, 'outbox relay error');
  const notifier = createOutboxNotifier({ pool, schema: EVENT_STORE_SCHEMA, onError });
  const relay = createOutboxRelay({
    pool,
    schema: EVENT_STORE_SCHEMA,
    redis: options.redis,
    metrics: app.metricsRegistry,
    onError,
  });
  notifier.subscribe(() => relay.wake());
  app.addHook('onReady', async () => {
    await relay.start();
  });
  app.addHook('onClose', async () => {
    await relay.stop();
    await notifier.idle();
    await pool.end();
  });
  return { notifier, readiness: writeSideReadiness(pool, EVENT_STORE_SCHEMA, { projections: false }) };
}
