import { describe, expect, it } from 'vitest';
import { createEvent } from '../create-event.ts';
import { InvalidEventError } from '../errors.ts';
import { parseEvent } from '../parse-event.ts';
import { fixedClock, nextTestId, tenantId, userActor } from '../test-fixtures.ts';
import { eventCatalogue } from './catalogue.ts';

const aggregateId = '0194500c-a000-7000-8000-00000000c0de';
const stored = (type: string, data: unknown, schemaVersion = 1) => ({
  ...createEvent(
    { type: 'campaign.paused', tenantId, actor: userActor, aggregateId, aggregateVersion: 2, data: { reason: null } },
    { now: fixedClock, newId: nextTestId },
  ),
  type,
  schemaVersion,
  data,
});

describe('campaign events', () => {
  it('campaign.optimized v1 events written with changes still read unchanged', () => {
    const data = eventCatalogue['campaign.optimized'].example;
    expect(parseEvent(stored('campaign.optimized', data)).data).toEqual(data);
    expect(eventCatalogue['campaign.optimized'].schemaVersion).toBe(1);
  });

  it('campaign.optimized with no changes records AI optimisation being enabled', () => {
    const data = { optimizationGoal: 'maximize_roas', analysisId: null, changes: [], expectedImprovementPercent: null };
    expect(parseEvent(stored('campaign.optimized', data)).data).toEqual(data);
  });

  it('campaign.budget_updated carries money as decimal strings, never numbers', () => {
    const budget = { totalBudget: 12000, dailyBudget: '600.00', currency: 'USD' };
    const error = (() => {
      try {
        parseEvent(stored('campaign.budget_updated', { previousBudget: { ...budget, totalBudget: '1.5' }, budget }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).issues.map((issue) => issue.path)).toEqual(['data.budget.totalBudget']);
  });

  it('campaign.completed names why the campaign ended', () => {
    expect(() => parseEvent(stored('campaign.completed', { reason: 'bored', note: null }))).toThrow(InvalidEventError);
    expect(parseEvent(stored('campaign.completed', { reason: 'schedule_ended', note: null })).data).toEqual({
      reason: 'schedule_ended',
      note: null,
    });
  });

  it('campaign.scheduled requires UTC instants', () => {
    expect(() =>
      parseEvent(stored('campaign.scheduled', { schedule: { startDate: '2025-03-01T00:00:00+02:00', endDate: null } })),
    ).toThrow(InvalidEventError);
  });
});
