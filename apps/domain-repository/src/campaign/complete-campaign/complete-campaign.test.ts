import { NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import { campaignId, givenEvents, historyOf, metadata, violation, wrongStatus } from '../campaign-test-fixtures.ts';
import type { CompleteCampaign } from './complete-campaign.ts';

const complete = (reason: CompleteCampaign['data']['reason'] = 'objective_met'): CompleteCampaign => ({
  type: 'campaign.complete',
  data: { campaignId, reason, note: 'Target of 500 leads reached' },
  metadata,
});
const done = {
  type: 'campaign.completed',
  data: { reason: 'objective_met', note: 'Target of 500 leads reached' },
} as const;

describe('complete campaign', () => {
  it('completes a live campaign', () =>
    givenEvents(...historyOf.active)
      .when(complete())
      .then([done]));

  it('completes a paused campaign', () =>
    givenEvents(...historyOf.paused)
      .when(complete())
      .then([done]));

  it('treats completing a completed campaign as a repeat, whatever the reason', () =>
    givenEvents(...historyOf.completed)
      .when(complete('budget_exhausted'))
      .thenNothingHappened());

  it.each(['draft', 'scheduled'] as const)('refuses a campaign that never ran (%s)', (status) =>
    givenEvents(...historyOf[status])
      .when(complete())
      .then(
        violation(status, [wrongStatus('campaign.complete.requires_active_or_paused', status, 'active or paused')]),
      ),
  );

  it('answers not found for a campaign never created', () =>
    givenEvents().when(complete()).then(new NotFoundError('Campaign not found', { campaignId })));
});
