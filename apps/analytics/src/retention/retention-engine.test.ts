import { describe, expect, it } from 'vitest';
import type { Journey, JourneyEvent } from '../funnels/funnel-engine.ts';
import { evaluateRetention, type RetentionSpec } from './retention-engine.ts';

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2026, 11, 1);
const dayIndexOf = (at: number) => Math.floor((at - FIRST_DAY) / DAY_MS);
const dayLabel = (index: number) => new Date(FIRST_DAY + index * DAY_MS).toISOString().slice(0, 10);

function at(day: number, hour: number, type: string): JourneyEvent {
  return { type, at: FIRST_DAY + day * DAY_MS + hour * 3_600_000, props: {} };
}
function journey(subjectId: string, ...events: JourneyEvent[]): Journey {
  return { subjectId, events };
}
const spec: RetentionSpec = { cohortEventType: 'signup', returnEventType: 'login', interval: 'day', periods: 2 };

describe('retention', () => {
  it('puts each subject in the bucket of its first cohort event and counts its returns per period', () => {
    const journeys = [
      journey('c', at(1, 9, 'signup'), at(1, 10, 'login'), at(1, 11, 'login'), at(5, 0, 'login')),
      journey('a', at(0, 10, 'signup'), at(0, 12, 'login'), at(2, 0, 'login')),
      journey('b', at(0, 8, 'login'), at(0, 9, 'signup'), at(1, 0, 'login')),
      journey('d', at(0, 8, 'login'), at(1, 8, 'login')),
      journey('e', at(0, 1, 'signup'), at(1, 1, 'signup')),
    ];
    expect(evaluateRetention(journeys, spec, dayIndexOf, dayLabel)).toStrictEqual({
      cohorts: [
        { cohort: '2026-12-01', size: 3, retained: [1, 1, 1], rates: ['0.3333', '0.3333', '0.3333'] },
        { cohort: '2026-12-02', size: 1, retained: [1, 0, 0], rates: ['1.0000', '0.0000', '0.0000'] },
      ],
    });
  });

  it('counts the cohort event itself in period 0 when both event types are the same', () => {
    const visits: RetentionSpec = { ...spec, cohortEventType: 'visit', returnEventType: 'visit', periods: 1 };
    const journeys = [journey('a', at(0, 1, 'visit'), at(1, 1, 'visit')), journey('b', at(0, 2, 'visit'))];
    expect(evaluateRetention(journeys, visits, dayIndexOf, dayLabel).cohorts).toEqual([
      { cohort: '2026-12-01', size: 2, retained: [2, 1], rates: ['1.0000', '0.5000'] },
    ]);
  });

  it('counts a return at the same instant as the cohort event in period 0, even logged before it', () => {
    const journeys = [journey('a', at(0, 5, 'login'), at(0, 5, 'signup'))];
    expect(evaluateRetention(journeys, spec, dayIndexOf, dayLabel).cohorts[0]?.retained).toEqual([1, 0, 0]);
  });

  it('lists only buckets that hold a cohort, and none when nobody did the cohort event', () => {
    const journeys = [journey('a', at(2, 0, 'signup')), journey('b', at(0, 0, 'signup'))];
    expect(evaluateRetention(journeys, spec, dayIndexOf, dayLabel).cohorts.map((c) => [c.cohort, c.size])).toEqual([
      ['2026-12-01', 1],
      ['2026-12-03', 1],
    ]);
    expect(evaluateRetention([journey('a', at(0, 0, 'login'))], spec, dayIndexOf, dayLabel)).toEqual({ cohorts: [] });
  });
});
