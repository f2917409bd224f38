import type { TenantLlm } from '../runs/executor.ts';

/** What runs and requests need of a tenant's settings: its LLM and prices, quota and approval timeout. */
export interface TenantAgentSettings extends TenantLlm {
  /** 0: no limit. */
  monthlyTokenQuota: number;
}

export type TenantSettingsSource = (tenantId: string) => Promise<TenantAgentSettings>;
