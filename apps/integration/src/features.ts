import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { FeatureModule } from './context.ts';
import { oauthFeature } from './oauth/oauth.routes.ts';
import { connectionsFeature } from './connections/connections.routes.ts';
import { providersFeature } from './providers/providers.routes.ts';
import type { ProviderBreakers } from './proxy/provider-breakers.ts';
import { proxyFeature } from './proxy/proxy.routes.ts';
import { webhooksFeature } from './webhooks/webhooks-feature.ts';

/** What features need from app.ts. */
export interface FeatureHooks {
  /** The proxy's breaker per provider (shown on /ready). */
  breakers: ProviderBreakers;
  proxy: { timeoutMs: number; maxResponseBytes: number; maxCooldownMs: number };
  oauthRefreshIntervalMs: number;
  /** Consumers register here to show on /ready. */
  consumers: ConsumerMonitor;
}

/** Every feature of the service, in registration order. */
export function features(hooks: FeatureHooks): readonly FeatureModule[] {
  return [
    providersFeature,
    connectionsFeature,
    oauthFeature({ refreshIntervalMs: hooks.oauthRefreshIntervalMs }),
    proxyFeature({ breakers: hooks.breakers, ...hooks.proxy }),
    webhooksFeature({ consumers: hooks.consumers }),
  ];
}
