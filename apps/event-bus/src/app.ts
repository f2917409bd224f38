import { createPublisher } from '@bizosaas/messaging';
import { createService, platformReadiness, type PlatformService } from '@bizosaas/service-kit';
import pg from 'pg';
import { createArchiveConsumers } from './archive/archive-consumers.ts';
import { scheduleRetention } from './archive/archive-retention.ts';
import { configSchema } from './config.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { registerHistoryRoute } from './history/history-route.ts';
import { registerPublishRoute } from './publish/publish-route.ts';
import { createTokenBucket } from './publish/token-bucket.ts';
import { registerSchemasRoute } from './schemas/schemas-route.ts';

export const definition: PlatformService<typeof configSchema, PrismaClient> = {
  service: 'event-bus',
  schema: 'event_bus',
  configSchema,
  createPrisma: (adapter) => new PrismaClient({ adapter }),
  async buildApp(config, deps) {
    const app = await createService({
      name: 'event-bus',
      description: 'The bus HTTP face: publish, history, the schema catalogue and the archive of every event (webhook subscriptions, replay, dead letters and encryption are tracked in the issues).',
      logLevel: config.LOG_LEVEL,
      bodyLimit: config.BODY_LIMIT_BYTES,
      auth: deps.verifier,
      readiness: platformReadiness(deps),
    });
    // Raw pg for the hot paths (archive inserts, history pages); Prisma owns the migrations.
    const appPool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
    const workerPool = new pg.Pool({ connectionString: config.WORKER_DATABASE_URL, max: config.WORKER_DATABASE_POOL_MAX });
    for (const pool of [appPool, workerPool]) pool.on('error', (error) => app.log.warn({ err: error }, 'idle PostgreSQL connection failed'));
    const namespace = config.EVENTBUS_STREAM_NAMESPACE;
    const defaultLimit = { burst: config.EVENTBUS_PUBLISH_BURST, ratePerSecond: config.EVENTBUS_PUBLISH_RATE_PER_SECOND };

    registerSchemasRoute(app);
    registerPublishRoute(app, {
      publisher: createPublisher({ redis: deps.redis, namespace }),
      namespace,
      takeToken: createTokenBucket(deps.redis, `${namespace}:publish-bucket:`),
      limitFor: (tenantId) => config.EVENTBUS_TENANT_LIMITS[tenantId] ?? defaultLimit,
    });
    registerHistoryRoute(app, appPool);

    const archive = createArchiveConsumers({
      pool: appPool, redis: deps.redis, consumer: config.EVENTBUS_CONSUMER_NAME, namespace,
      onSignal: (signal) => {
        if (signal.kind === 'error' || signal.kind === 'failed') app.log.warn({ err: 'error' in signal ? signal.error : undefined }, `archive consumer: ${signal.kind}`);
        if (signal.kind === 'dead_lettered') app.log.error({ reason: signal.reason, delivery: signal.delivery }, 'archive: event dead-lettered');
      },
    });
    let retention: { stop(): Promise<void> } | undefined;
    app.addHook('onReady', async () => {
      await archive.start();
      retention = scheduleRetention({
        workerPool, ttlDays: config.EVENTBUS_EVENT_TTL_DAYS, intervalMs: config.EVENTBUS_RETENTION_INTERVAL_MS,
        onRun: (deleted) => deleted > 0 && app.log.info({ deleted }, 'archive retention: expired events deleted'),
        onError: (error) => app.log.warn({ err: error }, 'archive retention failed; next run in one interval'),
      });
    });
    app.addHook('onClose', async () => {
      await archive.stop();
      await retention?.stop();
      await Promise.all([appPool.end(), workerPool.end()]);
    });
    return app;
  },
};
