import { NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import type { CampaignEvent } from '../campaign.ts';
import {
  campaignId,
  created,
  createdData,
  givenEvents,
  historyOf,
  launched,
  metadata,
  scheduled,
  violation,
  wrongStatus,
} from '../campaign-test-fixtures.ts';
import type { LaunchCampaign } from './launch-campaign.ts';

const launch = (now = metadata.now): LaunchCampaign => ({
  type: 'campaign.launch',
  data: { campaignId },
  metadata: { now },
});
const needsDraftOrScheduled = (status: 'paused' | 'completed') =>
  wrongStatus('campaign.launch.requires_draft_or_scheduled', status, 'draft or scheduled');
const ended = {
  rule: 'campaign.launch.schedule_not_ended',
  reason: 'Campaign schedule ended at 2025-03-31T00:00:00.000Z',
};

describe('launch campaign', () => {
  it('takes a draft live on its channels until its scheduled end', () =>
    givenEvents(created).when(launch()).then([launched]));

  it('takes a scheduled campaign live with the schedule it was given', () =>
    givenEvents(created, scheduled)
      .when(launch())
      .then([
        {
          type: 'campaign.launched',
          data: { channels: ['email', 'google_ads', 'linkedin_ads'], scheduledEndDate: '2025-04-05T00:00:00.000Z' },
        },
      ]));

  it('launches an open-ended campaign at any time', () => {
    const openEnded: CampaignEvent = {
      type: 'campaign.scheduled',
      data: { schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: null } },
    };
    givenEvents(created, openEnded)
      .when(launch(new Date('2030-01-01T00:00:00.000Z')))
      .then([
        {
          type: 'campaign.launched',
          data: { channels: ['email', 'google_ads', 'linkedin_ads'], scheduledEndDate: null },
        },
      ]);
  });

  it('launches up to the very end instant of the schedule', () =>
    givenEvents(created)
      .when(launch(new Date('2025-03-31T00:00:00.000Z')))
      .then([launched]));

  it('refuses a campaign whose schedule ended before the command', () =>
    givenEvents(created)
      .when(launch(new Date('2025-03-31T00:00:00.001Z')))
      .then(violation('draft', [ended])));

  it('refuses a campaign without a daily budget (written before one was required)', () => {
    const withoutDaily: CampaignEvent = {
      type: 'campaign.created',
      data: { ...createdData, budget: { totalBudget: '10000.00', dailyBudget: null, currency: 'USD' } },
    };
    givenEvents(withoutDaily)
      .when(launch())
      .then(
        violation('draft', [
          { rule: 'campaign.launch.requires_budget', reason: 'Campaign needs a total and a daily budget to launch' },
        ]),
      );
  });

  it('names every broken rule at once', () => {
    const withoutDaily: CampaignEvent = {
      type: 'campaign.created',
      data: { ...createdData, budget: { totalBudget: '10000.00', dailyBudget: null, currency: 'USD' } },
    };
    givenEvents(withoutDaily)
      .when(launch(new Date('2026-01-01T00:00:00.000Z')))
      .then(
        violation('draft', [
          { rule: 'campaign.launch.requires_budget', reason: 'Campaign needs a total and a daily budget to launch' },
          ended,
        ]),
      );
  });

  it('treats launching a live campaign as a repeat', () =>
    givenEvents(...historyOf.active)
      .when(launch())
      .thenNothingHappened());

  it('refuses a paused campaign (resume it instead)', () =>
    givenEvents(...historyOf.paused)
      .when(launch())
      .then(violation('paused', [needsDraftOrScheduled('paused')])));

  it('refuses a completed campaign', () =>
    givenEvents(...historyOf.completed)
      .when(launch())
      .then(violation('completed', [needsDraftOrScheduled('completed')])));

  it('answers not found for a campaign never created', () =>
    givenEvents().when(launch()).then(new NotFoundError('Campaign not found', { campaignId })));
});
