import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { TokenVerifier } from '@bizosaas/auth';
import { checkDatabase } from '@bizosaas/db';
import { createDataKeyStore, createMasterKeyring } from '@bizosaas/envelope-encryption';
import { eventStoreSchemaOf, writeSideReadiness } from '@bizosaas/event-store';
import { checkRedis } from '@bizosaas/messaging';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { attachEventStore, createConsumerMonitor, createService, type ServiceApp } from '@bizosaas/service-kit';
import type { Config } from './config.ts';
import type { AgentsContext, FeatureModule } from './context.ts';
import type { TenantSettingsSource } from './analyses/tenant-agent-settings.ts';
import type { Crew } from './crews/crew.ts';
import { builtInCrews } from './crews/built-in-crews.ts';
import { runsFeature } from './features.ts';
import { settingsFeature } from './settings/settings.routes.ts';
import { tenantRunSettingsSource } from './settings/load-tenant-settings.ts';
import type { PlatformTokens } from './platform-tokens.ts';
import { openApiTags } from './openapi-tags.ts';

/** The schema of the analyses' event store and outbox (ai.* and agent.* events) and inbox. */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf('ai_agents');

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  readonly pool: pg.Pool;
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
  /** Tenant tokens for domain-repository (absent: analyses that read or change leads and campaigns fail). */
  readonly platformTokens?: PlatformTokens;
}

/** Test seams. */
export interface BuildOptions {
  now?: () => Date;
  /** The features to register (default all): a slice test builds only its own. */
  features?: readonly FeatureModule[];
  /** Crews in place of the built-in ones (a test's). */
  crews?: readonly Crew[];
  /** Tenant settings in place of the stored ones (a test's LLM). */
  settings?: TenantSettingsSource;
}

export async function buildAgentsApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const consumers = createConsumerMonitor(deps.redis);
  const app = await createService({
    name: 'ai-agents',
    description:
      'Durable AI agent runs: lead scoring that works without an LLM, campaign optimisation within guardrails, SEO and presence audits, content generation; budgets, loop detection, approvals and exact replay.',
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
  const keyring = createMasterKeyring(config.AGENTS_MASTER_KEYS, {
    activeId: config.AGENTS_ACTIVE_MASTER_KEY_ID,
    source: 'AGENTS_MASTER_KEYS',
  });
  const outbound = createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs: config.OUTBOUND_ALLOWED_CIDRS }),
    onRefused: (refusal, stage) => app.log.warn({ ...refusal, stage }, 'outbound request refused'),
  });
  const ctx: AgentsContext = {
    config,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    store,
    dataKeys: createDataKeyStore({
      pool: deps.pool,
      keyring,
      table: { schema: 'ai_agents', name: 'tenant_data_keys' },
      cacheSize: 1000,
      activeRefreshMs: 60_000,
    }),
    outbound,
    now: options.now ?? (() => new Date()),
  };
  const builtIn = builtInCrews(ctx, deps.platformTokens);
  const settings = options.settings ?? tenantRunSettingsSource(ctx);
  for (const feature of options.features ?? [
    settingsFeature,
    runsFeature({ consumers, crews: options.crews ?? builtIn.crews, missingCrews: builtIn.missing, settings }),
  ])
    feature(app, ctx);
  app.addHook('onClose', async () => builtIn.close());
  app.addHook('onClose', async () => outbound.close());
  return app;
}
