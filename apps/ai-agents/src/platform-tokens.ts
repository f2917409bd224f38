import type { TenantTokenSource } from '@bizosaas/platform-client';

/** Tenant tokens for domain-repository, each with the permissions its use needs. */
export interface PlatformTokens {
  leads: TenantTokenSource;
  campaigns: TenantTokenSource;
}
