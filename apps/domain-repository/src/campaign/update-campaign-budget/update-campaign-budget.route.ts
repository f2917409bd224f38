import { campaignActionRoute } from '../campaign-action-route.ts';
import { updateBudgetInput, updateCampaignBudget } from './update-campaign-budget.ts';

/** POST /api/v1/campaigns/{campaignId}/budget: Replace the total and daily budget. */
export const updateCampaignBudgetRoute = campaignActionRoute({
  action: 'budget',
  operationId: 'updateCampaignBudget',
  summary: 'Replace the total and daily budget',
  permission: 'campaigns:write',
  type: 'campaign.update_budget',
  input: updateBudgetInput,
  decide: updateCampaignBudget,
});
