import { NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import { campaignId, givenEvents, historyOf, metadata, violation, wrongStatus } from '../campaign-test-fixtures.ts';
import type { UpdateCampaignBudget } from './update-campaign-budget.ts';

const updateBudget = (totalBudget: string, dailyBudget: string, currency = 'USD'): UpdateCampaignBudget => ({
  type: 'campaign.update_budget',
  data: { campaignId, budget: { totalBudget, dailyBudget, currency } },
  metadata,
});
const previousBudget = { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' };
const raised = {
  type: 'campaign.budget_updated',
  data: { previousBudget, budget: { totalBudget: '12000.00', dailyBudget: '600.00', currency: 'USD' } },
} as const;

describe('update campaign budget', () => {
  it.each(['draft', 'scheduled', 'active', 'paused'] as const)('changes the budget of a %s campaign', (status) =>
    givenEvents(...historyOf[status])
      .when(updateBudget('12000', '600.00'))
      .then([raised]),
  );

  it('lowers the budget too, in exact decimals', () =>
    givenEvents(...historyOf.active)
      .when(updateBudget('9999.9999', '0.0001'))
      .then([
        {
          type: 'campaign.budget_updated',
          data: { previousBudget, budget: { totalBudget: '9999.9999', dailyBudget: '0.0001', currency: 'USD' } },
        },
      ]));

  it('treats the same budget, written differently, as a repeat', () =>
    givenEvents(...historyOf.active)
      .when(updateBudget('10000', '500.0000'))
      .thenNothingHappened());

  it('refuses a daily budget above the total (400)', () =>
    givenEvents(...historyOf.active)
      .when(updateBudget('100.00', '200.00'))
      .thenThrows(ValidationError));

  it('allows another currency before launch', () =>
    givenEvents(...historyOf.draft)
      .when(updateBudget('9000.00', '450.00', 'EUR'))
      .then([
        {
          type: 'campaign.budget_updated',
          data: { previousBudget, budget: { totalBudget: '9000.00', dailyBudget: '450.00', currency: 'EUR' } },
        },
      ]));

  it('refuses another currency once the campaign ran', () =>
    givenEvents(...historyOf.paused)
      .when(updateBudget('9000.00', '450.00', 'EUR'))
      .then(
        violation('paused', [
          {
            rule: 'campaign.budget.currency_fixed_after_launch',
            reason: 'Campaign budget currency stays USD after launch',
          },
        ]),
      ));

  it('refuses a completed campaign, naming every broken rule', () =>
    givenEvents(...historyOf.completed)
      .when(updateBudget('9000.00', '450.00', 'EUR'))
      .then(
        violation('completed', [
          wrongStatus('campaign.budget.not_completed', 'completed', 'draft or scheduled or active or paused'),
          {
            rule: 'campaign.budget.currency_fixed_after_launch',
            reason: 'Campaign budget currency stays USD after launch',
          },
        ]),
      ));

  it('answers not found for a campaign never created', () =>
    givenEvents().when(updateBudget('1.00', '1.00')).then(new NotFoundError('Campaign not found', { campaignId })));
});
