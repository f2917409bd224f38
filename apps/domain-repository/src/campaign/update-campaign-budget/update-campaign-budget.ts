import { z } from 'zod';
import type { Command } from '@bizosaas/ddd-kernel';
import { isDeepStrictEqual } from 'node:util';
import type { Campaign, CampaignEvent } from '../campaign.ts';
import { assertCampaignRule, canUpdateBudget, existingCampaign } from '../campaign-rules.ts';
import { budgetInput, CampaignBudget } from '../campaign-values.ts';

export const updateBudgetInput = z.strictObject({ budget: budgetInput });

export type UpdateCampaignBudget = Command<
  'campaign.update_budget',
  {
    readonly campaignId: string;
    readonly budget: { readonly totalBudget: string; readonly dailyBudget: string; readonly currency: string };
  }
>;

/**
 * Replaces the total and daily budget. Spend is tracked by the campaign service, not here, so
 * the only limits are the budget's own invariants, no change after completion and a currency
 * fixed once the campaign ran. The same budget again (also "500" for "500.00") is a repeat.
 */
export function updateCampaignBudget(command: UpdateCampaignBudget, state: Campaign): CampaignEvent[] {
  const { campaignId } = command.data;
  const campaign = existingCampaign(state, campaignId);
  const budget = { ...CampaignBudget.create(command.data.budget, { path: 'budget' }) };
  if (isDeepStrictEqual(campaign.budget, budget)) return [];
  assertCampaignRule(canUpdateBudget, { campaignId, campaign, budget, now: command.metadata.now });
  return [{ type: 'campaign.budget_updated', data: { previousBudget: { ...campaign.budget }, budget } }];
}
