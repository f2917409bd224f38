import { campaignActionRoute } from '../campaign-action-route.ts';
import { scheduleCampaign, scheduleCampaignInput } from './schedule-campaign.ts';

/** POST /api/v1/campaigns/{campaignId}/schedule: Schedule (or reschedule) a campaign that has not run yet. */
export const scheduleCampaignRoute = campaignActionRoute({
  action: 'schedule',
  operationId: 'scheduleCampaign',
  summary: 'Schedule (or reschedule) a campaign that has not run yet',
  permission: 'campaigns:write',
  type: 'campaign.schedule',
  input: scheduleCampaignInput,
  decide: scheduleCampaign,
});
