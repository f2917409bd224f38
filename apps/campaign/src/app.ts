import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@bizosaas/auth';
import { checkDatabase } from '@bizosaas/db';
import { writeSideReadiness } from '@bizosaas/event-store';
import { checkRedis } from '@bizosaas/messaging';
import { attachEventStore, createConsumerMonitor, createService, type ServiceApp } from '@bizosaas/service-kit';
import { audienceFeature } from './audience/audience-preview.route.ts';
import { campaignsFeature } from './campaigns/campaigns-feature.ts';
import { frequencyCapFeature } from './caps/frequency-cap.routes.ts';
import type { Config } from './config.ts';
import { contactsFeature } from './contacts/contacts-feature.ts';
import type { CampaignContext, FeatureModule, PlatformClients } from './context.ts';
import { executionsFeature } from './executions/executions-feature.ts';
import { funnelsFeature } from './funnels/funnels.routes.ts';
import { openApiTags } from './openapi-tags.ts';
import { optimisationFeature } from './optimisation/optimisation-feature.ts';
import { EVENT_STORE_SCHEMA } from './schema.ts';
import { simulateFeature } from './simulate/simulate.route.ts';
import { spendFeature } from './spend/spend-feature.ts';

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  readonly pool: pg.Pool;
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
  /** Clients of notification, domain-repository and ai-agents (absent without a service client). */
  readonly platform?: PlatformClients;
}

/** Test seams. */
export interface BuildOptions {
  now?: () => Date;
  /** The features to register (default all): a slice test builds only its own. */
  features?: readonly FeatureModule[];
}

export const defaultFeatures: readonly FeatureModule[] = [
  campaignsFeature,
  contactsFeature,
  audienceFeature,
  executionsFeature,
  frequencyCapFeature,
  optimisationFeature,
  spendFeature,
  funnelsFeature,
  simulateFeature,
];

export async function buildCampaignApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const consumers = createConsumerMonitor(deps.redis);
  const app = await createService({
    name: 'campaign',
    description:
      'Campaign operations while a campaign runs: executions per channel with exactly-once sends, audiences, frequency caps, spend and pacing, sales funnels and the optimisation loop with ai-agents.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
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
  });
  const ctx: CampaignContext = {
    config,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    store,
    platform: deps.platform,
    consumers,
    now: options.now ?? (() => new Date()),
  };
  for (const feature of options.features ?? defaultFeatures) feature(app, ctx);
  return app;
}
