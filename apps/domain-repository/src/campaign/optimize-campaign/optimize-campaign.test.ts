import { NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import type { CampaignEvent } from '../campaign.ts';
import { campaignId, givenEvents, historyOf, metadata, violation, wrongStatus } from '../campaign-test-fixtures.ts';
import type { OptimizeCampaign } from './optimize-campaign.ts';

const analysisId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const change = {
  kind: 'budget_reallocation',
  channel: 'google_ads',
  description: 'Move daily budget from display to search',
  previousValue: '300.00',
  newValue: '420.00',
} as const;

const optimize = (over: Partial<OptimizeCampaign['data']> = {}): OptimizeCampaign => ({
  type: 'campaign.optimize',
  data: {
    campaignId,
    optimizationGoal: 'minimize_cpa',
    analysisId: null,
    changes: [],
    expectedImprovementPercent: null,
    ...over,
  },
  metadata,
});
const enabled: CampaignEvent = {
  type: 'campaign.optimized',
  data: { optimizationGoal: 'minimize_cpa', analysisId: null, changes: [], expectedImprovementPercent: null },
};

describe('optimize campaign', () => {
  it.each(['draft', 'scheduled', 'active', 'paused'] as const)(
    'enables AI optimisation with a goal on a %s campaign',
    (status) =>
      givenEvents(...historyOf[status])
        .when(optimize())
        .then([enabled]),
  );

  it('treats enabling again with the same goal as a repeat', () =>
    givenEvents(...historyOf.active, enabled)
      .when(optimize())
      .thenNothingHappened());

  it('changes the goal', () =>
    givenEvents(...historyOf.active, enabled)
      .when(optimize({ optimizationGoal: 'maximize_roas' }))
      .then([{ type: 'campaign.optimized', data: { ...enabled.data, optimizationGoal: 'maximize_roas' } }]));

  it('records suggested changes applied, also under an unchanged goal', () =>
    givenEvents(...historyOf.active, enabled)
      .when(optimize({ analysisId, changes: [change], expectedImprovementPercent: 12.5 }))
      .then([
        {
          type: 'campaign.optimized',
          data: {
            optimizationGoal: 'minimize_cpa',
            analysisId,
            changes: [{ ...change }],
            expectedImprovementPercent: 12.5,
          },
        },
      ]));

  it('refuses a completed campaign', () =>
    givenEvents(...historyOf.completed)
      .when(optimize({ optimizationGoal: 'maximize_conversions' }))
      .then(
        violation('completed', [
          wrongStatus('campaign.optimize.not_completed', 'completed', 'draft or scheduled or active or paused'),
        ]),
      ));

  it('answers not found for a campaign never created', () =>
    givenEvents().when(optimize()).then(new NotFoundError('Campaign not found', { campaignId })));
});
