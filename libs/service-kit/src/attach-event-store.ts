import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { FastifyInstance } from 'fastify';
import {
  createEventStore,
  createOutboxNotifier,
  createOutboxRelay,
  createProjectionManager,
  outboxChannel,
  pruneProcessedRecords,
  type AnyProjection,
  type EventStore,
  type OutboxNotifier,
  type ProjectionManager,
} from '@bizosaas/event-store';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import { runPeriodically, type PeriodicJob } from './run-periodically.ts';

export interface EventStoreAttachment {
  /** The schema of the service's event store, outbox, idempotency keys and projections (eventStoreSchemaOf). */
  schema: string;
  /** App role: requests, under RLS by tenant. */
  pool: pg.Pool;
  /** Worker role: relay, projections and pruning, across tenants. */
  worker: pg.Pool;
  projectionPollIntervalMs: number;
  redis: Redis;
  /** None for a service whose reads are kept in the appending transaction. */
  projections: readonly AnyProjection[];
  /** How long Idempotency-Key results are kept, and how often expired ones (and old inbox records) are deleted. */
  idempotencyRetentionMs: number;
  pruneIntervalMs: number;
  /** Called on each NOTIFY of another process's outbox commit (the relay's LISTEN; see OutboxRelayOptions.onNotify). */
  onOutboxNotify?: () => void;
}

/**
 * The event store with its outbox notifier, the relay to Redis Streams, the projection manager
 * and the pruning of expired Idempotency-Key results and inbox records, on the pools main.ts
 * opened. They start when the app is ready and stop on close (each finishing what it has in
 * hand); main.ts ends the pools after that.
 */
/** The store, and the notifier that wakes the relay (for outbox rows written without the store). */
export interface AttachedEventStore {
  store: EventStore<PlatformCatalogue>;
  notifier: OutboxNotifier;
  /** The projection manager (rebuilds on demand). */
  projections: ProjectionManager;
}

export function attachEventStore(app: FastifyInstance, options: EventStoreAttachment): AttachedEventStore {
  const { pool, worker } = options;
  for (const p of [pool, worker]) p.on('error', (error) => app.log.warn({ err: error }, 'idle pg connection error'));
  const warn = (what: string) => (error: unknown) => app.log.warn({ err: error }, what);
  const { schema } = options;
  // Notifications go through the worker pool: they must not wait behind request transactions.
  const notifier = createOutboxNotifier({ pool: worker, schema, onError: warn('outbox notify failed') });
  const store = createEventStore({ schema, notifier });
  const relay = createOutboxRelay({
    pool: worker,
    schema,
    redis: options.redis,
    metrics: app.metricsRegistry,
    onError: warn('outbox relay error'),
    ignoreNotificationsFrom: notifier.origin,
    ...(options.onOutboxNotify && { onNotify: options.onOutboxNotify }),
  });
  const projections = createProjectionManager({
    pool: worker,
    schema,
    projections: options.projections,
    pollIntervalMs: options.projectionPollIntervalMs,
    // Without projections a LISTEN would only hold one of the worker pool's connections.
    ...(options.projections.length > 0 && { listenChannel: outboxChannel(schema) }),
    onError: (error, projection) => app.log.error({ err: error, projection }, 'projection batch failed'),
  });
  // This process's appends wake its relay and projections in-process; NOTIFY reaches the other replicas.
  notifier.subscribe(relay.wake);
  notifier.subscribe(projections.wake);
  let pruning: PeriodicJob | undefined;
  app.addHook('onReady', async () => {
    await Promise.all([relay.start(), projections.start()]);
    pruning = runPeriodically(
      async () => {
        const pruned = await pruneProcessedRecords({
          pool: worker,
          schema,
          idempotencyRetentionMs: options.idempotencyRetentionMs,
        });
        if (pruned.inbox + pruned.idempotencyKeys > 0) app.log.info(pruned, 'expired processed records pruned');
      },
      {
        intervalMs: options.pruneIntervalMs,
        onError: warn('pruning processed records failed; next run in one interval'),
      },
    );
  });
  app.addHook('onClose', async () => {
    await Promise.all([relay.stop(), projections.stop(), pruning?.stop()]);
    await notifier.idle();
  });
  return { store, notifier, projections };
}
