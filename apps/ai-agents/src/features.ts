import type { ConsumerMonitor } from '@bizosaas/service-kit';
import type { FeatureModule } from './context.ts';

/** What features need from main.ts and the service's monitors. */
export interface FeatureHooks {
  /** Consumers register here to show on /ready. */
  consumers: ConsumerMonitor;
  platformTokens?: PlatformTokens | undefined;
}

/** A bearer token of a tenant's service principal (cached inside; asked before every call). */
export type TenantTokenSource = (tenantId: string) => Promise<string>;

/** Tenant tokens for domain-repository, each with the permissions its use needs. */
export interface PlatformTokens {
  leads: TenantTokenSource;
  campaigns: TenantTokenSource;
}

/** Every feature of the service, in registration order. */
export function features(hooks: FeatureHooks): readonly FeatureModule[] {
  void hooks;
  return [];
}
