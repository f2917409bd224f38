import { z } from 'zod';
import type { Campaign } from './campaign.ts';
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
