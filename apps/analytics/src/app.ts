import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@bizosaas/auth';
import { checkDatabase } from '@bizosaas/db';
import { writeSideReadiness } from '@bizosaas/event-store';
import { checkRedis } from '@bizosaas/messaging';
import { attachEventStore, createConsumerMonitor, createService, type ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';
import type { AnalyticsContext, FeatureModule } from './context.ts';
import { createIngestConsumer } from './ingest/ingest-consumer.ts';
import { dashboardsFeature } from './dashboards/dashboards-feature.ts';
import { funnelDefinition } from './funnels/funnel-schemas.ts';
import { funnelsFeature } from './funnels/funnels-feature.ts';
import { funnelTileSource } from './funnels/run-funnel.ts';
import { kpisFeature } from './kpis/kpis.routes.ts';
import { lineageFeature } from './lineage/lineage.routes.ts';
import { openApiTags } from './openapi-tags.ts';
import { analyticsProjection } from './projections/analytics-projection.ts';
import { reportRunQuery, queryTileSource } from './query/query-sources.ts';
import { queryDefinition } from './query/query-spec.ts';
import { queryFeature } from './query/query.routes.ts';
import { rebuildFeature } from './rebuild/rebuild.routes.ts';
import { reportsFeature } from './reports/reports-feature.ts';
import { retentionDefinition } from './retention/retention-schemas.ts';
import { retentionFeature } from './retention/retention.routes.ts';
import { retentionTileSource } from './retention/run-retention.ts';
import { EVENT_STORE_SCHEMA } from './schema.ts';

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  readonly pool: pg.Pool;
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
}

/** Test seams. */
export interface BuildOptions {
  now?: () => Date;
  /** The features to register (default all): a slice test builds only its own. */
  features?: readonly FeatureModule[];
}

export const defaultFeatures: readonly FeatureModule[] = [
  kpisFeature,
  queryFeature,
  lineageFeature,
  funnelsFeature,
  retentionFeature,
  dashboardsFeature(
    { query: queryTileSource, funnel: funnelTileSource, retention: retentionTileSource },
    { configSchemas: { query: queryDefinition, funnel: funnelDefinition, retention: retentionDefinition } },
  ),
  reportsFeature({ runQuery: reportRunQuery, querySchema: queryDefinition }),
  rebuildFeature,
];

export async function buildAnalyticsApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const consumers = createConsumerMonitor(deps.redis);
  const app = await createService({
    name: 'analytics',
    description:
      'KPIs, time series, funnels and retention over every platform event, each number traceable to its events; dashboards and reports.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    auth: deps.verifier,
    readiness: {
      postgres: () => checkDatabase(deps.pool),
      redis: () => checkRedis(deps.redis),
      consumers: consumers.check,
      ...writeSideReadiness(deps.worker, EVENT_STORE_SCHEMA),
    },
  });
  consumers.register(app.metricsRegistry);
  // The relay publishes analytics' own events (reports/announce-report.ts writes them with their outbox rows).
  const { notifier, projections } = attachEventStore(app, {
    schema: EVENT_STORE_SCHEMA,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    projections: [analyticsProjection],
    projectionPollIntervalMs: config.PROJECTION_POLL_INTERVAL_MS,
    idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    pruneIntervalMs: config.PRUNE_INTERVAL_MS,
  });
  const ctx: AnalyticsContext = {
    config,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    rebuild: (verify) => projections.rebuild(analyticsProjection.name, { verify }),
    now: options.now ?? (() => new Date()),
  };
  const ingest = createIngestConsumer(
    ctx,
    {
      startId: config.INGEST_START_ID,
      // Recorded events wake this replica's projections at once and the others by NOTIFY.
      onRecorded: notifier.notify,
      onSignal: (signal) => consumers.observe(signal, config.INGEST_GROUP),
    },
    app.log,
  );
  consumers.track(ingest);
  app.addHook('onReady', () => ingest.start());
  app.addHook('preClose', () => ingest.stop());
  for (const feature of options.features ?? defaultFeatures) feature(app, ctx);
  return app;
}
