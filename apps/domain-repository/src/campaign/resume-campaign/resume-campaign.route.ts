import { campaignActionRoute } from '../campaign-action-route.ts';
import { resumeCampaign, resumeCampaignInput } from './resume-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/resume: Resume a paused campaign. */
export const resumeCampaignRoute = campaignActionRoute({
  action: 'resume',
  operationId: 'resumeCampaign',
  summary: 'Resume a paused campaign',
  permission: 'campaigns:launch',
  type: 'campaign.resume',
  input: resumeCampaignInput,
  decide: resumeCampaign,
});
