import { NotFoundError, ValidationError } from '@bizosaas/ddd-kernel';
import { describe, it } from 'vitest';
import {
  campaignId,
  created,
  givenEvents,
  historyOf,
  metadata,
  scheduled,
  violation,
  wrongStatus,
} from '../campaign-test-fixtures.ts';
import type { ScheduleCampaign } from './schedule-campaign.ts';

const schedule = (startDate: string, endDate: string | null, now = metadata.now): ScheduleCampaign => ({
  type: 'campaign.schedule',
  data: { campaignId, schedule: { startDate, endDate } },
  metadata: { now },
});
const april = schedule('2025-03-05T00:00:00Z', '2025-04-05T00:00:00Z');
const notRunYet = (status: 'active' | 'paused' | 'completed') =>
  wrongStatus('campaign.schedule.requires_draft_or_scheduled', status, 'draft or scheduled');

describe('schedule campaign', () => {
  it('schedules a draft', () => givenEvents(created).when(april).then([scheduled]));

  it('reschedules a scheduled campaign', () =>
    givenEvents(created, scheduled)
      .when(schedule('2025-03-20T00:00:00Z', null))
      .then([
        { type: 'campaign.scheduled', data: { schedule: { startDate: '2025-03-20T00:00:00.000Z', endDate: null } } },
      ]));

  it('treats the same schedule again as a repeat (instants compared in UTC)', () =>
    givenEvents(created, scheduled)
      .when(schedule('2025-03-05T02:00:00+02:00', '2025-04-05T00:00:00.000Z'))
      .thenNothingHappened());

  it('refuses a schedule that already ended at the command time', () =>
    givenEvents(created)
      .when(schedule('2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z'))
      .then(
        violation('draft', [
          { rule: 'campaign.schedule.end_not_in_past', reason: 'Campaign schedule ended at 2025-03-01T00:00:00.000Z' },
        ]),
      ));

  it('refuses an end before the start (400, not a rule of the lifecycle)', () =>
    givenEvents(created).when(schedule('2025-04-05T00:00:00Z', '2025-03-05T00:00:00Z')).thenThrows(ValidationError));

  it.each(['active', 'paused', 'completed'] as const)('refuses a campaign that is %s', (status) =>
    givenEvents(...historyOf[status])
      .when(april)
      .then(violation(status, [notRunYet(status)])),
  );

  it('answers not found for a campaign never created', () =>
    givenEvents().when(april).then(new NotFoundError('Campaign not found', { campaignId })));
});
