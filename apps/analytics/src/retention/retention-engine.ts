import { decimalRate, type Journey } from '../funnels/funnel-engine.ts';

export interface RetentionSpec {
  cohortEventType: string;
  returnEventType: string;
  interval: 'day' | 'week' | 'month';
  /** 1..52 periods after the cohort's own (period 0). */
  periods: number;
}
export interface RetentionCohort {
  cohort: string;
  size: number;
  /** Subjects retained in periods 0..periods. */
  retained: number[];
  /** retained / size per period, 4-place decimal strings. */
  rates: string[];
}
export interface RetentionResult {
  cohorts: RetentionCohort[];
}

/**
 * Retention cohorts. A subject's cohort is the bucket of its first cohortEventType event; it is retained
 * in period p (0..periods) when it has a returnEventType event in bucket cohort + p, for period 0 one at
 * or after the cohort event's time (so, when both types are the same, the cohort event itself). Cohorts
 * with subjects only, by bucket index ascending. `bucketIndexOf` must never decrease as time goes on
 * (it holds the time zone and interval); journeys are sorted as `Journey` requires.
 */
export function evaluateRetention(
  journeys: readonly Journey[],
  spec: RetentionSpec,
  bucketIndexOf: (at: number) => number,
  bucketLabel: (index: number) => string,
): RetentionResult {
  const retainedByCohort = new Map<number, { size: number; retained: number[] }>();
  for (const journey of journeys) {
    const cohortEvent = journey.events.find((event) => event.type === spec.cohortEventType);
    if (cohortEvent === undefined) continue;
    const cohortIndex = bucketIndexOf(cohortEvent.at);
    const cohort = retainedByCohort.get(cohortIndex) ?? {
      size: 0,
      retained: new Array<number>(spec.periods + 1).fill(0),
    };
    cohort.size += 1;
    // Only returns at or after the cohort event: earlier ones lie in its bucket or before, never in a later one.
    const periods = new Set(
      journey.events
        .filter((event) => event.type === spec.returnEventType && event.at >= cohortEvent.at)
        .map((event) => bucketIndexOf(event.at) - cohortIndex),
    );
    for (const period of periods) {
      if (period >= 0 && period <= spec.periods) cohort.retained[period] = (cohort.retained[period] ?? 0) + 1;
    }
    retainedByCohort.set(cohortIndex, cohort);
  }
  return {
    cohorts: [...retainedByCohort]
      .sort(([x], [y]) => x - y)
      .map(([index, { size, retained }]) => ({
        cohort: bucketLabel(index),
        size,
        retained,
        rates: retained.map((count) => decimalRate(count, size)),
      })),
  };
}
