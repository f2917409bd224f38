import { NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import {
  campaignId,
  givenEvents,
  historyOf,
  metadata,
  resumed,
  violation,
  wrongStatus,
} from '../campaign-test-fixtures.ts';
import type { ResumeCampaign } from './resume-campaign.ts';

const resume = (now = metadata.now): ResumeCampaign => ({
  type: 'campaign.resume',
  data: { campaignId, reason: null },
  metadata: { now },
});

describe('resume campaign', () => {
  it('takes a paused campaign live again', () =>
    givenEvents(...historyOf.paused)
      .when(resume())
      .then([resumed]));

  it('treats resuming a live campaign as a repeat', () =>
    givenEvents(...historyOf.active)
      .when(resume())
      .thenNothingHappened());

  it('refuses when the schedule ended while paused', () =>
    givenEvents(...historyOf.paused)
      .when(resume(new Date('2025-04-01T00:00:00.000Z')))
      .then(
        violation('paused', [
          { rule: 'campaign.resume.schedule_not_ended', reason: 'Campaign schedule ended at 2025-03-31T00:00:00.000Z' },
        ]),
      ));

  it.each(['draft', 'scheduled', 'completed'] as const)('refuses a campaign that is %s', (status) =>
    givenEvents(...historyOf[status])
      .when(resume())
      .then(violation(status, [wrongStatus('campaign.resume.requires_paused', status, 'paused')])),
  );

  it('answers not found for a campaign never created', () =>
    givenEvents().when(resume()).then(new NotFoundError('Campaign not found', { campaignId })));
});
