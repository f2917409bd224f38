import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@bizosaas/auth';
import { checkDatabase } from '@bizosaas/db';
import { eventStoreSchemaOf, writeSideReadiness } from '@bizosaas/event-store';
import { checkRedis } from '@bizosaas/messaging';
import {
  attachEventStore,
  createConsumerMonitor,
  createService,
  runPeriodically,
  type PeriodicJob,
  type ServiceApp,
} from '@bizosaas/service-kit';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { createMessageDecorator } from './callbacks/decorate.ts';
import { closeChannels, createChannels, type Channels } from './channels/channels.ts';
import type { Config } from './config.ts';
import type { FeatureModule, NotificationContext } from './context.ts';
import { createDispatcher } from './dispatch/dispatcher.ts';
import { features } from './features.ts';
import { createLinkSigner } from './links/link-signer.ts';
import { openApiTags } from './openapi-tags.ts';
import { pruneTriggerTransactions } from './triggers/prune-transactions.ts';

/** The schema of the messages' event store and outbox. */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf('notification');

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  readonly pool: pg.Pool;
  /** App role too, for the dispatcher alone. */
  readonly dispatchPool: pg.Pool;
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
}

/** Test seams. */
export interface BuildOptions {
  now?: () => Date;
  /** The features to register (default all): a slice test builds only its own. */
  features?: readonly FeatureModule[];
  /** Channels in place of those of the configuration (a test's providers). */
  channels?: Channels;
}

export async function buildNotificationApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const consumers = createConsumerMonitor(deps.redis);
  const app = await createService({
    name: 'notification',
    description:
      'Email, SMS, push and in-app notifications: templates, triggers, per-user preferences, digests, delivery tracking and retries.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Unsubscribe and tracking tokens are path segments of a few hundred characters.
    maxParamLength: 2048,
    auth: deps.verifier,
    readiness: {
      postgres: () => checkDatabase(deps.pool),
      redis: () => checkRedis(deps.redis),
      consumers: consumers.check,
      ...writeSideReadiness(deps.worker, EVENT_STORE_SCHEMA, { projections: false }),
    },
  });
  consumers.register(app.metricsRegistry);
  const { store } = attachEventStore(app, {
    schema: EVENT_STORE_SCHEMA,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    projections: [],
    projectionPollIntervalMs: config.PROJECTION_POLL_INTERVAL_MS,
    idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    pruneIntervalMs: config.PRUNE_INTERVAL_MS,
    // Messages committed by other replicas (those not dispatching above all) wake the dispatcher
    // through the relay's LISTEN; this replica's own commits wake it in-process.
    onOutboxNotify: wakeDispatcher,
  });
  const ctx: NotificationContext = {
    config,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    store,
    links: createLinkSigner(deps.pool),
    now: options.now ?? (() => new Date()),
  };
  const outbound = createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs: config.OUTBOUND_ALLOWED_CIDRS }),
    onRefused: (refusal, stage) => app.log.warn({ ...refusal, stage }, 'outbound request refused'),
  });
  const channels = options.channels ?? createChannels(config, { outbound, now: ctx.now });
  const dispatcher = createDispatcher(ctx, {
    channels,
    pool: deps.dispatchPool,
    decorate: createMessageDecorator(ctx, ctx.links, { tracking: config.EMAIL_TRACKING }),
    metrics: app.metricsRegistry,
    leaseMs: config.DISPATCH_LEASE_MS,
    onError: (error, messageId) => app.log.error({ err: error, messageId }, 'dispatching a message failed'),
  });
  function wakeDispatcher(): void {
    if (config.DISPATCH_ENABLED) dispatcher.wake();
  }
  for (const feature of options.features ??
    features({
      wakeDispatcher,
      consumers,
      eventStreamNamespace: config.EVENT_STREAM_NAMESPACE,
      emailWebhookSigningKeys: config.EMAIL_WEBHOOK_SIGNING_KEYS,
    }))
    feature(app, ctx);
  let pruning: PeriodicJob | undefined;
  app.addHook('onReady', async () => {
    if (config.DISPATCH_ENABLED) dispatcher.start();
    pruning = runPeriodically(
      async () => {
        const pruned = await pruneTriggerTransactions(deps.worker, ctx.now(), config.IDEMPOTENCY_RETENTION_MS);
        if (pruned > 0) app.log.info({ pruned }, 'expired trigger transactions pruned');
      },
      {
        intervalMs: config.PRUNE_INTERVAL_MS,
        onError: (error) => app.log.warn({ err: error }, 'pruning trigger transactions failed'),
      },
    );
  });
  app.addHook('preClose', async () => {
    await Promise.all([dispatcher.stop(), pruning?.stop()]);
    await closeChannels(channels);
    await outbound.close();
  });
  return app;
}
