import { BusinessRuleViolation, ValidationError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { campaignDecider } from '../campaign-decider.ts';
import { campaignId, create, created, givenEvents, launched, now } from '../campaign-test-fixtures.ts';

function validationIssues(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.issues;
  }
  throw new Error('expected a ValidationError');
}

describe('create campaign', () => {
  it('drafts a new campaign with its budget and schedule', () => givenEvents().when(create()).then([created]));

  it('stores canonical amounts, UTC instants and each channel once', () =>
    givenEvents()
      .when(
        create({
          channels: ['email', 'google_ads', 'email', 'linkedin_ads'],
          budget: { totalBudget: '10000', dailyBudget: '500.0', currency: 'USD' },
          schedule: { startDate: '2025-03-01T01:00:00+01:00', endDate: '2025-03-31T00:00:00Z' },
        }),
      )
      .then([created]));

  it('accepts an open-ended schedule', () => {
    const [event] = campaignDecider.decide(create({ schedule: { startDate: '2025-03-01T00:00:00Z', endDate: null } }), {
      status: 'none',
    });
    expect(event?.type === 'campaign.created' && event.data.schedule).toEqual({
      startDate: '2025-03-01T00:00:00.000Z',
      endDate: null,
    });
  });

  it('refuses a daily budget above the total, and zero amounts', () => {
    const decide = (budget: { totalBudget: string; dailyBudget: string; currency: string }) => () =>
      campaignDecider.decide(create({ budget }), { status: 'none' });
    expect(validationIssues(decide({ totalBudget: '100.00', dailyBudget: '100.01', currency: 'USD' }))).toEqual([
      { path: 'budget.dailyBudget', message: 'must not exceed totalBudget' },
    ]);
    expect(validationIssues(decide({ totalBudget: '0', dailyBudget: '0.00', currency: 'EUR' }))).toEqual([
      { path: 'budget.totalBudget', message: 'must be greater than zero' },
      { path: 'budget.dailyBudget', message: 'must be greater than zero' },
    ]);
  });

  it('lists every bad field at once, with its path', () => {
    const issues = validationIssues(() =>
      campaignDecider.decide(
        create({
          name: ' ',
          campaignType: 'billboard',
          channels: [],
          budget: { totalBudget: '-5', dailyBudget: '1.00', currency: 'usd' },
          schedule: { startDate: '2025-03-31T00:00:00Z', endDate: '2025-03-01T00:00:00Z' },
        }),
        { status: 'none' },
      ),
    ) as { path: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ['budget.currency', 'budget.totalBudget', 'campaignType', 'channels', 'name', 'schedule.endDate'].sort(),
    );
  });

  it('refuses a schedule whose end is not after its start', () => {
    const issues = validationIssues(() =>
      campaignDecider.decide(
        create({ schedule: { startDate: '2025-03-01T00:00:00Z', endDate: '2025-03-01T00:00:00Z' } }),
        {
          status: 'none',
        },
      ),
    );
    expect(issues).toEqual([{ path: 'schedule.endDate', message: 'must be after startDate' }]);
  });

  it('treats the same create on an unchanged draft as a repeat', () =>
    givenEvents(created).when(create()).thenNothingHappened());

  it('refuses another campaign on an existing id', () =>
    givenEvents(created)
      .when(create({ name: 'Summer Sale' }))
      .then(
        new BusinessRuleViolation('campaign.create.already_exists', 'Campaign already exists', {
          currentStatus: 'draft',
          campaignId,
        }),
      ));

  it('refuses to re-create a campaign that already ran', () =>
    givenEvents(created, launched)
      .when(create())
      .then(
        new BusinessRuleViolation('campaign.create.already_exists', 'Campaign already exists', {
          currentStatus: 'active',
          campaignId,
        }),
      ));

  it('takes its time from the command only', () => {
    // Same command at two instants: identical events (nothing reads a clock).
    const later = { ...create(), metadata: { now: new Date(now.getTime() + 86_400_000) } };
    expect(campaignDecider.decide(later, { status: 'none' })).toEqual(
      campaignDecider.decide(create(), { status: 'none' }),
    );
  });
});
