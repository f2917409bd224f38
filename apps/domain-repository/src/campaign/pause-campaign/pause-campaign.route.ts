import { campaignActionRoute } from '../campaign-action-route.ts';
import { pauseCampaign, pauseCampaignInput } from './pause-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/pause: Pause a live campaign. */
export const pauseCampaignRoute = campaignActionRoute({
  action: 'pause',
  operationId: 'pauseCampaign',
  summary: 'Pause a live campaign',
  permission: 'campaigns:launch',
  type: 'campaign.pause',
  input: pauseCampaignInput,
  decide: pauseCampaign,
});
