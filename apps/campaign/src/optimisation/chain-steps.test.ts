import { describe, expect, it } from 'vitest';
import { createEvent } from '@bizosaas/event-schemas';
import { chainStepOf } from './chain-steps.ts';
import { chainEvents } from './optimisation-test-events.ts';

const tenantId = '3f2b8a4e-6c1d-4e9f-a7b5-0c9d8e7f6a5b';
const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const chain = chainEvents(tenantId, campaignId, '2026-12-07T10:00:00.000Z');
const link = { tenantId, analysisId: chain.analysisId, correlationId: chain.correlationId };

describe('optimisation chain steps', () => {
  it('a campaign_optimization request names its campaign', () => {
    expect(chainStepOf(chain.requested)).toEqual({
      ...link,
      kind: 'requested',
      campaignId,
      eventId: chain.requested.id,
      at: '2026-12-07T10:00:00.000Z',
    });
  });

  it("a completed analysis is the crew's suggestion, with why it was not applied", () => {
    const completed = chain.completed({ applied: false, reason: 'proposed only (apply: propose)' });
    expect(chainStepOf(completed)).toMatchObject({
      ...link,
      kind: 'suggested',
      campaignId,
      goal: 'maximize_clicks',
      changes: [{ kind: 'budget_reallocation', channel: 'email', newValue: '420.00' }],
      expectedImprovementPercent: 12.5,
      notAppliedReason: 'proposed only (apply: propose)',
      at: '2026-12-07T10:01:00.000Z',
    });
  });

  it('campaign.optimized naming the analysis is its change; switching optimisation on is no step', () => {
    const optimized = chain.optimized('2026-12-07T10:02:00.000Z');
    expect(chainStepOf(optimized)).toMatchObject({ ...link, kind: 'applied', campaignId, eventId: optimized.id });
    const enabled = createEvent({
      type: 'campaign.optimized',
      tenantId,
      aggregateId: campaignId,
      actor: { type: 'service', id: 'campaign' },
      data: { optimizationGoal: 'minimize_cpa', analysisId: null, changes: [], expectedImprovementPercent: null },
    });
    expect(chainStepOf(enabled)).toBeUndefined();
  });

  it('a failure is a step; other analyses and results of another shape are not', () => {
    expect(chainStepOf(chain.failed)).toMatchObject({ ...link, kind: 'failed', errorCode: 'LLM_TIMEOUT' });
    const scoring = { ...chain.requested, data: { ...chain.requested.data, analysisType: 'lead_scoring' } };
    expect(chainStepOf(scoring as typeof chain.requested)).toBeUndefined();
    expect(chainStepOf(chain.completed({ changes: 'none' }))).toBeUndefined();
    expect(chainStepOf(chain.completed({ campaignId: 'not-a-uuid' }))).toBeUndefined();
  });
});
