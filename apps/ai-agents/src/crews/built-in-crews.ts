import { createPlatformClient, type PlatformClient } from '@bizosaas/platform-client';
import type { AgentsContext } from '../context.ts';
import { tenantRunSettingsSource } from '../settings/load-tenant-settings.ts';
import { createCampaignOptimizationCrew } from './campaign-optimization/index.ts';
import type { PlatformTokens } from '../platform-tokens.ts';
import { createContentGenerationCrew } from './content-generation/content-generation-crew.ts';
import type { AnalysisKind, Crew } from './crew.ts';
import { createLeadScoringCrew } from './lead-scoring/index.ts';
import { createPresenceAuditCrew, createSeoAuditCrew } from './site-audit/index.ts';

export interface BuiltInCrews {
  crews: Crew[];
  /** Types without a crew here, and why. */
  missing: Partial<Record<AnalysisKind, string>>;
  close(): Promise<void>;
}

const NO_CLIENT =
  'AGENTS_SERVICE_CLIENT_ID and AGENTS_SERVICE_CLIENT_SECRET are unset, so leads and campaigns cannot be read';

/** Every crew of the service, with the platform clients those reading leads and campaigns need. */
export function builtInCrews(ctx: AgentsContext, tokens: PlatformTokens | undefined): BuiltInCrews {
  const client = (token: PlatformTokens['leads']): PlatformClient =>
    createPlatformClient({ baseUrl: ctx.config.DOMAIN_REPOSITORY_URL, name: 'domain-repository', token });
  const leads = tokens && client(tokens.leads);
  const campaigns = tokens && client(tokens.campaigns);
  const settings = tenantRunSettingsSource(ctx);
  const crews: Crew[] = [
    createContentGenerationCrew({ outbound: ctx.outbound }),
    createSeoAuditCrew({ outbound: ctx.outbound }),
    createPresenceAuditCrew({ outbound: ctx.outbound }),
  ];
  if (leads) crews.push(createLeadScoringCrew({ domainRepository: leads, pool: ctx.pool }));
  if (campaigns)
    crews.push(
      createCampaignOptimizationCrew({
        domainRepository: campaigns,
        guardrails: async (tenantId) => ({
          maxBudgetShiftPerDay: (await settings(tenantId)).maxBudgetShiftPerDay?.toFixed(2) ?? null,
        }),
      }),
    );
  return {
    crews,
    missing: tokens ? {} : { lead_scoring: NO_CLIENT, campaign_optimization: NO_CLIENT },
    close: async () => {
      await Promise.all([leads?.close(), campaigns?.close()]);
    },
  };
}
