import type pg from 'pg';
import { z } from 'zod';
import { TenantIsolationError } from '@bizosaas/ddd-kernel';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { evolveCampaign, initialCampaign, type Campaign } from './campaign.ts';
import { CampaignChannels, CampaignObjective, CampaignType, OptimizationGoal } from './campaign-values.ts';

export const campaignViewSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: z.enum(['draft', 'scheduled', 'active', 'paused', 'completed']),
  name: z.string(),
  campaignType: CampaignType,
  objective: CampaignObjective,
  channels: CampaignChannels,
  budget: z.object({
    totalBudget: z.string().describe('decimal string'),
    dailyBudget: z.string().nullable().describe('decimal string'),
    currency: z.string(),
  }),
  schedule: z.object({ startDate: z.string(), endDate: z.string().nullable() }),
  optimizationGoal: OptimizationGoal.nullable(),
});
export type CampaignView = z.infer<typeof campaignViewSchema>;

export function campaignView(state: Campaign, id: string, version: number): CampaignView {
  if (state.status === 'none') throw new Error('campaignView of a campaign that does not exist');
  return { id, version, ...state, channels: [...state.channels] };
}

/** GET reads the aggregate itself (freshest state, read-your-writes), under the caller's tenant. */
export async function loadCampaign(
  store: EventStore<PlatformCatalogue>,
  pool: pg.Pool,
  tenantId: string,
  campaignId: string,
): Promise<CampaignView> {
  const loaded = await store.transaction(pool, tenantId, (client) =>
    store.load(client, { aggregateType: 'campaign', aggregateId: campaignId, initialState: initialCampaign(), evolve: evolveCampaign as never }),
  );
  if (loaded.state.status === 'none') throw new TenantIsolationError(tenantId);
  return campaignView(loaded.state, campaignId, loaded.version);
}
