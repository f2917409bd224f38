import { campaignActionRoute } from '../campaign-action-route.ts';
import { optimizeCampaign, optimizeCampaignInput } from './optimize-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/optimize: Enable AI optimisation with a goal, or record changes it applied. */
export const optimizeCampaignRoute = campaignActionRoute({
  action: 'optimize',
  operationId: 'optimizeCampaign',
  summary: 'Enable AI optimisation with a goal, or record changes it applied',
  permission: 'campaigns:write',
  type: 'campaign.optimize',
  input: optimizeCampaignInput,
  decide: optimizeCampaign,
});
