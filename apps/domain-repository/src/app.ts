import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@bizosaas/auth';
import { checkDatabase } from '@bizosaas/db';
import { createPgIdempotencyStore, writeSideReadiness } from '@bizosaas/event-store';
import { checkRedis } from '@bizosaas/messaging';
import {
  attachEventStore,
  createConsumerMonitor,
  createService,
  type ReadinessCheck,
  type ServiceApp,
} from '@bizosaas/service-kit';
import { campaignListProjection } from './campaign/campaign-list/campaign-list.projection.ts';
import { campaignRoutes } from './campaign/campaign.routes.ts';
import type { Config } from './config.ts';
import { attachCrmIngestion } from './crm-ingestion/crm-ingestion.ts';
import { createChurnReassessment } from './customer/churn-reassessment/churn-reassessment.job.ts';
import { customerListProjection } from './customer/customer-list/customer-list.projection.ts';
import { customerRoutes } from './customer/customer.routes.ts';
import { leadListProjection } from './lead/lead-list/lead-list.projection.ts';
import { attachLeadScoring } from './lead-scoring/lead-scoring.ts';
import { leadRoutes } from './lead/lead.routes.ts';
import { openApiTags } from './openapi-tags.ts';
import { createCommandHandler } from './write-side/command-handler.ts';
import { EVENT_STORE_SCHEMA } from './write-side/write-side.ts';

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  /** App role: requests, under RLS by tenant. */
  readonly pool: pg.Pool;
  /** Worker role: relay, projections, sweeps across tenants. */
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
}

/** Test seams. */
export interface BuildOptions {
  /** The clock commands read their time from (decide never reads one). */
  now?: () => Date;
}

export async function buildDomainRepositoryApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const now = options.now ?? (() => new Date());
  const consumers = createConsumerMonitor(deps.redis);
  // Each probe asks a pool that serves: `postgres` the requests' pool, `outbox` and `projections` the worker's.
  const readiness: Record<string, ReadinessCheck> = {
    postgres: () => checkDatabase(deps.pool),
    redis: () => checkRedis(deps.redis),
    consumers: consumers.check,
    ...writeSideReadiness(deps.worker, EVENT_STORE_SCHEMA),
  };
  const app = await createService({
    name: 'domain-repository',
    description:
      'The write-side authority for the Lead, Customer and Campaign aggregates (event-sourced) and CRM event ingestion.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness,
  });
  consumers.register(app.metricsRegistry);
  const { store } = attachEventStore(app, {
    schema: EVENT_STORE_SCHEMA,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    projectionPollIntervalMs: config.PROJECTION_POLL_INTERVAL_MS,
    projections: [leadListProjection, customerListProjection, campaignListProjection],
    idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    pruneIntervalMs: config.PRUNE_INTERVAL_MS,
  });
  const handler = createCommandHandler({
    pool: deps.pool,
    store,
    now,
    clockSkewMs: config.CLOCK_SKEW_MS,
    idempotency: createPgIdempotencyStore({ pool: deps.pool, schema: EVENT_STORE_SCHEMA }),
  });
  const ctx = { ...handler, pool: deps.pool, worker: deps.worker, store, now, clockSkewMs: config.CLOCK_SKEW_MS };
  for (const route of [...leadRoutes, ...customerRoutes, ...campaignRoutes]) route(app, ctx);
  attachCrmIngestion(app, ctx, config, deps.redis, consumers);
  attachLeadScoring(app, ctx, config, deps.redis, consumers);
  const churn = createChurnReassessment({
    worker: deps.worker,
    commands: handler,
    now,
    intervalMs: config.CHURN_REASSESS_INTERVAL_MS,
    batchSize: config.CHURN_REASSESS_BATCH,
    onError: (error, customerId) => app.log.warn({ err: error, customerId }, 'churn re-assessment failed'),
  });
  app.addHook('onReady', async () => churn.start());
  app.addHook('preClose', () => churn.stop());
  return app;
}
