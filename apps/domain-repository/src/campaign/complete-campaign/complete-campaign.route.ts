import { campaignActionRoute } from '../campaign-action-route.ts';
import { completeCampaign, completeCampaignInput } from './complete-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/complete: End a live or paused campaign for good. */
export const completeCampaignRoute = campaignActionRoute({
  action: 'complete',
  operationId: 'completeCampaign',
  summary: 'End a live or paused campaign for good',
  permission: 'campaigns:launch',
  type: 'campaign.complete',
  input: completeCampaignInput,
  decide: completeCampaign,
});
