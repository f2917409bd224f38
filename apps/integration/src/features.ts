import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { Config } from './config.ts';
import { providerAccess } from './connections/access.ts';
import type { FeatureModule } from './context.ts';
import { oauthFeature } from './oauth/oauth.routes.ts';
import { connectionsFeature } from './connections/connections.routes.ts';
import { providersFeature } from './providers/providers.routes.ts';
import type { ProviderBreakers } from './proxy/provider-breakers.ts';
import { proxyFeature } from './proxy/proxy.routes.ts';
import type { TenantTokenSource } from '@bizosaas/platform-client';
import { syncsFeature } from './syncs/syncs-feature.ts';
import { webhooksFeature } from './webhooks/webhooks-feature.ts';

/** What features need from app.ts. */
export interface FeatureHooks {
  /** The proxy's breaker per provider (shown on /ready). */
  breakers: ProviderBreakers;
  proxy: { timeoutMs: number; maxResponseBytes: number; maxCooldownMs: number };
  oauthRefreshIntervalMs: number;
  /** Consumers register here to show on /ready. */
  consumers: ConsumerMonitor;
  config: Config;
  /** main.ts's source of tenant tokens for domain-repository, when SERVICE_CLIENT_ID/SECRET are set. */
  crmTokens: TenantTokenSource | undefined;
  /** The same for the event-bus history (events:subscribe), which replays read. */
  archiveTokens: TenantTokenSource | undefined;
}

/** Every feature of the service, in registration order. */
export function features(hooks: FeatureHooks): readonly FeatureModule[] {
  return [
    providersFeature,
    connectionsFeature,
    oauthFeature({ refreshIntervalMs: hooks.oauthRefreshIntervalMs }),
    proxyFeature({ breakers: hooks.breakers, ...hooks.proxy }),
    webhooksFeature({ consumers: hooks.consumers }),
    syncsFeature({
      access: providerAccess,
      ...(hooks.crmTokens && { crmTokens: hooks.crmTokens }),
      ...(hooks.archiveTokens && { archive: { baseUrl: hooks.config.EVENT_BUS_URL, token: hooks.archiveTokens } }),
      ...(hooks.config.GOOGLE_ADS_DEVELOPER_TOKEN && {
        googleAdsDeveloperToken: hooks.config.GOOGLE_ADS_DEVELOPER_TOKEN,
      }),
      leaseMs: hooks.config.SYNC_LEASE_MS,
      tickIntervalMs: hooks.config.SYNC_TICK_INTERVAL_MS,
      maxConcurrentRuns: hooks.config.SYNC_MAX_CONCURRENT_RUNS,
      scheduler: hooks.config.SYNC_SCHEDULER,
      metricsWindowDays: hooks.config.SYNC_METRICS_WINDOW_DAYS,
      metricsRestatementDays: hooks.config.SYNC_METRICS_RESTATEMENT_DAYS,
    }),
  ];
}
