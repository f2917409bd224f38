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
import type { FeatureModule, IntegrationContext } from './context.ts';
import { features } from './features.ts';
import { openApiTags } from './openapi-tags.ts';
import { createProviderBreakers, proxyReadiness } from './proxy/provider-breakers.ts';
import type { TenantTokenSource } from '@bizosaas/platform-client';

/** The schema of the service's outbox (integration.* events) and inbox. */
export const EVENT_STORE_SCHEMA = eventStoreSchemaOf('integration');

/** The connections main.ts opens once; the app uses them and never ends them. */
export interface Dependencies {
  readonly pool: pg.Pool;
  readonly worker: pg.Pool;
  readonly redis: Redis;
  readonly verifier: TokenVerifier;
  /** Tenant tokens with integrations:manage for domain-repository's CRM ingestion (absent: no forwarding). */
  readonly crmTokens?: TenantTokenSource;
  /** Tenant tokens with events:subscribe for the event-bus history replays read (absent: no replays). */
  readonly archiveTokens?: TenantTokenSource;
}

/** Test seams. */
export interface BuildOptions {
  now?: () => Date;
  /** The features to register (default all): a slice test builds only its own. */
  features?: readonly FeatureModule[];
}

export async function buildIntegrationApp(
  config: Config,
  deps: Dependencies,
  options: BuildOptions = {},
): Promise<ServiceApp> {
  const consumers = createConsumerMonitor(deps.redis);
  const breakers = createProviderBreakers({
    failureThreshold: config.PROXY_BREAKER_FAILURES,
    halfOpenAfterMs: config.PROXY_BREAKER_HALF_OPEN_MS,
  });
  const app = await createService({
    name: 'integration',
    description:
      'Connectors to ads platforms, CRMs and payments: connections with sealed credentials, OAuth 2 that refreshes ahead of expiry, a guarded proxy, resumable syncs and signed inbound webhooks.',
    tags: openApiTags,
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    maxParamLength: 500,
    auth: deps.verifier,
    readiness: {
      postgres: () => checkDatabase(deps.pool),
      redis: () => checkRedis(deps.redis),
      consumers: consumers.check,
      providers: proxyReadiness(breakers),
      ...writeSideReadiness(deps.worker, EVENT_STORE_SCHEMA, { projections: false }),
    },
  });
  consumers.register(app.metricsRegistry);
  const { notifier } = attachEventStore(app, {
    schema: EVENT_STORE_SCHEMA,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    projections: [],
    projectionPollIntervalMs: config.PROJECTION_POLL_INTERVAL_MS,
    idempotencyRetentionMs: config.IDEMPOTENCY_RETENTION_MS,
    pruneIntervalMs: config.PRUNE_INTERVAL_MS,
  });
  const keyring = createMasterKeyring(config.INTEGRATION_MASTER_KEYS, {
    activeId: config.INTEGRATION_ACTIVE_MASTER_KEY_ID,
    source: 'INTEGRATION_MASTER_KEYS',
  });
  const outbound = createOutboundHttp({
    policy: createAddressPolicy({ allowedCidrs: config.OUTBOUND_ALLOWED_CIDRS }),
    onRefused: (refusal, stage) => app.log.warn({ ...refusal, stage }, 'outbound request refused'),
  });
  const ctx: IntegrationContext = {
    config,
    pool: deps.pool,
    worker: deps.worker,
    redis: deps.redis,
    dataKeys: createDataKeyStore({
      pool: deps.pool,
      keyring,
      table: { schema: 'integration', name: 'tenant_data_keys' },
      cacheSize: 1000,
      activeRefreshMs: 60_000,
    }),
    outbound,
    outbox: notifier,
    now: options.now ?? (() => new Date()),
  };
  const proxy = {
    timeoutMs: config.PROXY_TIMEOUT_MS,
    maxResponseBytes: config.PROXY_MAX_RESPONSE_BYTES,
    maxCooldownMs: config.PROXY_MAX_COOLDOWN_MS,
  };
  for (const feature of options.features ??
    features({
      breakers,
      proxy,
      oauthRefreshIntervalMs: config.OAUTH_REFRESH_INTERVAL_MS,
      consumers,
      config,
      crmTokens: deps.crmTokens,
      archiveTokens: deps.archiveTokens,
    }))
    feature(app, ctx);
  app.addHook('onClose', async () => outbound.close());
  return app;
}
