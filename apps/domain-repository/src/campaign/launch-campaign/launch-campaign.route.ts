import { campaignActionRoute } from '../campaign-action-route.ts';
import { launchCampaign, launchCampaignInput } from './launch-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/launch: Take a draft or scheduled campaign live. */
export const launchCampaignRoute = campaignActionRoute({
  action: 'launch',
  operationId: 'launchCampaign',
  summary: 'Take a draft or scheduled campaign live',
  permission: 'campaigns:launch',
  type: 'campaign.launch',
  input: launchCampaignInput,
  decide: launchCampaign,
});
