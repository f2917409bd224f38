import { fold } from '@bizosaas/ddd-kernel';
import { createEvent } from '@bizosaas/event-schemas';
import { describe, expect, it } from 'vitest';
import { evolveCampaign, initialCampaign, type CampaignEvent } from './campaign.ts';
import { campaignId, created, createdData, launched, paused, resumed, scheduled } from './campaign-test-fixtures.ts';

const state = (...events: CampaignEvent[]) => fold(evolveCampaign, initialCampaign(), events);

describe('campaign state (evolve)', () => {
  it('a created campaign is a draft with its budget and schedule and no optimisation', () => {
    expect(state(created)).toEqual({ status: 'draft', ...createdData, optimizationGoal: null });
  });

  it('follows the lifecycle and keeps the latest schedule, budget and goal', () => {
    const budget = { totalBudget: '12000.00', dailyBudget: '600.00', currency: 'USD' };
    const after = state(
      created,
      scheduled,
      { type: 'campaign.launched', data: { channels: ['email'], scheduledEndDate: '2025-04-05T00:00:00.000Z' } },
      paused,
      resumed,
      { type: 'campaign.budget_updated', data: { previousBudget: createdData.budget, budget } },
      {
        type: 'campaign.optimized',
        data: { optimizationGoal: 'maximize_roas', analysisId: null, changes: [], expectedImprovementPercent: null },
      },
    );
    expect(after).toEqual({
      ...state(created),
      status: 'active',
      channels: ['email'],
      schedule: { startDate: '2025-03-05T00:00:00.000Z', endDate: '2025-04-05T00:00:00.000Z' },
      budget,
      optimizationGoal: 'maximize_roas',
    });
    expect(state(created, launched, paused).status).toBe('paused');
  });

  it('ignores events of a stream that was never created', () => {
    expect(state(launched, paused)).toEqual({ status: 'none' });
  });

  it('folds envelopes as read from the event store', () => {
    const envelope = createEvent({
      type: 'campaign.created',
      tenantId: '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b',
      actor: { type: 'system', id: 'test' },
      aggregateId: campaignId,
      aggregateVersion: 1,
      data: createdData,
    });
    expect(state(envelope)).toEqual(state(created));
  });
});
