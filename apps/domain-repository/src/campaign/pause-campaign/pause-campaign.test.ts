import { NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import { campaignId, givenEvents, historyOf, metadata, violation, wrongStatus } from '../campaign-test-fixtures.ts';
import type { PauseCampaign } from './pause-campaign.ts';

const pause = (reason: string | null = 'Creative under review'): PauseCampaign => ({
  type: 'campaign.pause',
  data: { campaignId, reason },
  metadata,
});

describe('pause campaign', () => {
  it('pauses a live campaign', () =>
    givenEvents(...historyOf.active)
      .when(pause())
      .then([{ type: 'campaign.paused', data: { reason: 'Creative under review' } }]));

  it('treats pausing a paused campaign as a repeat', () =>
    givenEvents(...historyOf.paused)
      .when(pause())
      .thenNothingHappened());

  it.each(['draft', 'scheduled', 'completed'] as const)('refuses a campaign that is %s', (status) =>
    givenEvents(...historyOf[status])
      .when(pause())
      .then(violation(status, [wrongStatus('campaign.pause.requires_active', status, 'active')])),
  );

  it('answers not found for a campaign never created', () =>
    givenEvents().when(pause()).then(new NotFoundError('Campaign not found', { campaignId })));
});
