import { createPublisher, type ConsumerSignal } from '@bizosaas/messaging';
import { createAddressPolicy, type AddressPolicy } from '@bizosaas/outbound-http';
import {
  createConsumerMonitor,
  createService,
  platformReadiness,
  runPeriodically,
  type ConsumerMonitor,
  type PeriodicJob,
  type PlatformService,
  type ServiceApp,
} from '@bizosaas/service-kit';
import pg from 'pg';
import { archiveBatch } from './archive/archive-events.ts';
import { busMetrics, type BusMetrics } from './bus-metrics.ts';
import { registerConsumerDeadLetterRoutes } from './dead-letters/consumer-dead-letter-routes.ts';
import { deleteExpiredEvents } from './archive/archive-retention.ts';
import { trimEventStreams } from './stream-retention.ts';
import { configSchema, type Config } from './config.ts';
import { createEncryption, type Encryption } from './encryption/encryption.ts';
import { registerEncryptionRoutes } from './encryption/encryption-routes.ts';
import { resealWebhookSecrets } from './encryption/webhook-secrets.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { openApiTags } from './openapi-tags.ts';
import { registerHistoryRoute } from './history/history-route.ts';
import { registerPublishRoute } from './publish/publish-route.ts';
import { registerGroupReplayRoute } from './replay/group-replay-route.ts';
import { createTokenBucket } from './publish/token-bucket.ts';
import {
  createBackgroundHealth,
  defaultStaleAfterMs,
  type BackgroundHealth,
} from './readiness/background-readiness.ts';
import { observeConsumer, type WorkerHealth } from './readiness/worker-health.ts';
import { registerSchemasRoute } from './schemas/schemas-route.ts';
import { createStreamConsumers } from './stream-consumers.ts';
import { registerDeadLetterRoutes } from './webhooks/dead-letter-routes.ts';
import { registerReplayRoute } from './webhooks/replay-route.ts';
import { startDeliveryLoop } from './webhooks/delivery-loop.ts';
import { createDeliveryWorker } from './webhooks/delivery-worker.ts';
import { createWebhookHttp } from './webhooks/webhook-http.ts';
import { fanOut } from './webhooks/fan-out.ts';
import { registerSubscriptionRoutes } from './webhooks/subscription-routes.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'event-bus',
  schema: 'event_bus',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  async buildApp(config, deps) {
    const health = createBackgroundHealth({
      staleAfterMs: config.EVENTBUS_WORKER_STALL_MS ?? defaultStaleAfterMs(config),
    });
    const consumers = createConsumerMonitor(deps.redis);
    const app = await createService({
      name: 'event-bus',
      description:
        'The bus HTTP face: publish, webhook subscriptions and delivery, dead letters, history, the schema catalogue and the archive of every event.',
      tags: openApiTags,
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: { ...platformReadiness(deps), ...health.readiness, consumers: consumers.check },
    });
    consumers.register(app.metricsRegistry);
    // Raw pg for the hot paths (archive, fan-out, deliveries, history); Prisma for the CRUD routes.
    const appPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
    const workerPool = new pg.Pool({
      connectionString: config.WORKER_DATABASE_URL,
      max: config.WORKER_DATABASE_POOL_MAX,
    });
    for (const pool of [appPool, workerPool])
      pool.on('error', (error) => app.log.warn({ err: error }, 'idle PostgreSQL connection failed'));
    const namespace = config.EVENTBUS_STREAM_NAMESPACE;
    const defaultLimit = {
      burst: config.EVENTBUS_PUBLISH_BURST,
      ratePerSecond: config.EVENTBUS_PUBLISH_RATE_PER_SECOND,
    };
    const metrics = busMetrics(app.metricsRegistry, workerPool);
    const encryption = createEncryption(config, appPool);

    registerSchemasRoute(app);
    registerPublishRoute(app, {
      publisher: createPublisher({ redis: deps.redis, namespace }),
      namespace,
      takeToken: createTokenBucket(deps.redis, `${namespace}:publish-bucket:`),
      limitFor: (tenantId) => config.EVENTBUS_TENANT_LIMITS[tenantId] ?? defaultLimit,
      onPublished: (type) => metrics.published(type),
      seal: (event) => encryption.events.seal(event),
    });
    registerHistoryRoute(app, appPool, encryption.openAll);
    const outboundPolicy = createAddressPolicy({ allowedCidrs: config.OUTBOUND_ALLOWED_CIDRS });
    registerSubscriptionRoutes(app, deps.prisma, encryption.keyring, outboundPolicy);
    registerEncryptionRoutes(app, { keys: encryption.keys, keyring: encryption.keyring, workerPool });
    registerDeadLetterRoutes(app, deps.prisma);
    registerConsumerDeadLetterRoutes(app, { redis: deps.redis, namespace });
    registerGroupReplayRoute(app, { pool: appPool, redis: deps.redis, namespace });
    const { wakeDeliveries } = startBackgroundWork(app, config, {
      appPool,
      workerPool,
      redis: deps.redis,
      metrics,
      health,
      encryption,
      outboundPolicy,
      consumers,
    });
    registerReplayRoute(app, appPool, wakeDeliveries);
    return app;
  },
};

/** The archive and webhook consumers, the delivery loop and the retention jobs (archive, streams): started when ready, stopped on close. */
function startBackgroundWork(
  app: ServiceApp,
  config: Config,
  deps: {
    appPool: pg.Pool;
    workerPool: pg.Pool;
    redis: import('ioredis').Redis;
    metrics: BusMetrics;
    health: BackgroundHealth;
    encryption: Encryption;
    outboundPolicy: AddressPolicy;
    consumers: ConsumerMonitor;
  },
) {
  const onSignal = (name: string, health: WorkerHealth) => (signal: ConsumerSignal) => {
    observeConsumer(health, signal);
    deps.consumers.observe(signal, `event-bus.${name}`);
    if (signal.kind === 'paused') app.log.warn({ err: signal.error }, `${name}: paused, a dependency is down`);
    if (signal.kind === 'error' || signal.kind === 'failed')
      app.log.warn({ err: 'error' in signal ? signal.error : undefined }, `${name}: ${signal.kind}`);
    if (signal.kind === 'dead_lettered')
      app.log.error({ reason: signal.reason, delivery: signal.delivery }, `${name}: event dead-lettered`);
  };
  const common = {
    redis: deps.redis,
    consumer: config.EVENTBUS_CONSUMER_NAME,
    namespace: config.EVENTBUS_STREAM_NAMESPACE,
  };
  const http = createWebhookHttp(deps.outboundPolicy, config.EVENTBUS_WEBHOOK_TIMEOUT_MS, deps.metrics, app.log);
  const worker = createDeliveryWorker({
    pool: deps.workerPool,
    http,
    timeoutMs: config.EVENTBUS_WEBHOOK_TIMEOUT_MS,
    disableAfterMs: config.EVENTBUS_DISABLE_AFTER_MS,
    prepare: deps.encryption.webhookPayload,
    onAttempt: (outcome) =>
      deps.metrics.attempted(
        outcome.eventType,
        outcome.status === 'pending' ? 'failed' : outcome.status,
        outcome.latencyMs / 1000,
      ),
  });
  const deliveries = startDeliveryLoop({
    runDue: () => worker.runDue(),
    pollMs: config.EVENTBUS_DELIVERY_POLL_MS,
    onError: (error) => {
      deps.health.deliveryLoop.failed(error);
      app.log.warn({ err: error }, 'webhook delivery pass failed');
    },
    onPass: () => deps.health.deliveryLoop.succeeded(),
  });
  deps.health.deliveryLoop.started();
  const archive = createStreamConsumers({
    ...common,
    group: 'event-bus.archive',
    onSignal: onSignal('archive', deps.health.archive),
    healthCheck: () => deps.appPool.query('SELECT 1'),
    handle: async (batch) => {
      await archiveBatch(deps.appPool, await deps.encryption.sealBatch(batch));
      for (const { event } of batch) deps.metrics.archived(event.type, 1);
    },
  });
  const webhooks = createStreamConsumers({
    ...common,
    group: 'event-bus.webhooks',
    onSignal: onSignal('webhooks', deps.health.fanOut),
    healthCheck: () => deps.workerPool.query('SELECT 1'),
    handle: async (batch) => {
      if (
        (await fanOut(
          deps.workerPool,
          batch.map(({ event }) => event),
          new Date(),
        )) > 0
      )
        deliveries.wake();
    },
  });
  let retention: PeriodicJob[] = [];
  app.addHook('onReady', async () => {
    // Subscriptions written before secrets were sealed (plaintext is still readable meanwhile).
    void resealWebhookSecrets(deps.workerPool, deps.encryption.keyring, 'plaintext').then(
      (sealed) => sealed > 0 && app.log.info({ sealed }, 'webhook secrets sealed under the master key'),
      (error: unknown) =>
        app.log.warn({ err: error }, 'sealing plaintext webhook secrets failed; retried at the next start'),
    );
    await Promise.all([archive.start(), webhooks.start()]);
    for (const consumer of [...archive.consumers, ...webhooks.consumers]) deps.consumers.track(consumer);
    deps.health.archive.started();
    deps.health.fanOut.started();
    retention = [
      runPeriodically(
        async () => {
          const deleted = await deleteExpiredEvents(deps.workerPool, config.EVENTBUS_EVENT_TTL_DAYS);
          if (deleted > 0) app.log.info({ deleted }, 'archive retention: expired events deleted');
        },
        {
          intervalMs: config.EVENTBUS_RETENTION_INTERVAL_MS,
          onError: (error) => app.log.warn({ err: error }, 'archive retention failed; next run in one interval'),
        },
      ),
      runPeriodically(
        async () => {
          const trimmed = await trimEventStreams(deps.redis, {
            namespace: config.EVENTBUS_STREAM_NAMESPACE,
            keepMs: config.EVENTBUS_STREAM_KEEP_MS,
          });
          for (const [stream, count] of trimmed) deps.metrics.trimmed(stream, count);
        },
        {
          intervalMs: config.EVENTBUS_STREAM_TRIM_INTERVAL_MS,
          onError: (error) => app.log.warn({ err: error }, 'stream trim failed; next run in one interval'),
        },
      ),
    ];
  });
  app.addHook('onClose', async () => {
    deps.health.stopped();
    await Promise.all([
      archive.stop(),
      webhooks.stop(),
      deliveries.stop().then(() => http.close()),
      ...retention.map((job) => job.stop()),
    ]);
    await Promise.all([deps.appPool.end(), deps.workerPool.end()]);
  });
  return { wakeDeliveries: () => deliveries.wake() };
}
