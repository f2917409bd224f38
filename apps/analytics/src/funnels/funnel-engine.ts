import { sequenceSpans } from './sequence-paths.ts';
import { matcher, windowMs } from './step-match.ts';

export interface JourneyEvent {
  type: string;
  /** Epoch milliseconds. */
  at: number;
  props: Readonly<Record<string, string | null>>;
}
/** A subject's events in the date range, sorted by (at, then log position): index order is the order. */
export interface Journey {
  subjectId: string;
  events: readonly JourneyEvent[];
}
export interface FunnelStep {
  eventType: string;
  filters?: readonly { property: string; op: 'eq' | 'neq'; value: string }[];
  withinSeconds?: number;
}
export interface FunnelSpec {
  steps: readonly FunnelStep[];
  order: 'ordered' | 'strict' | 'any';
  /** Step numbers are 1-based, afterStep < beforeStep. */
  exclusions?: readonly { eventType: string; afterStep: number; beforeStep: number }[];
  breakdown?: { property: string; touch: 'first' | 'last' };
}
export interface StepResult {
  eventType: string;
  count: number;
  conversionRate: string;
  stepConversionRate: string;
  medianSecondsToConvert: number | null;
}
export interface FunnelResult {
  steps: StepResult[];
  breakdown?: { value: string | null; steps: StepResult[] }[];
}
/**
 * Counts the subjects reaching each step of a funnel. Indices are positions in `journey.events`,
 * t(i) = events[i].at; event i matches step j when its type is the step's eventType and every filter
 * holds (eq: props[p] === value, neq: props[p] !== value; a missing property is neither value).
 *
 * - ordered: a path to step k is indices i1 < ... < ik, ij matching step j, and for every j >= 2 with
 *   withinSeconds w: t(ij) - t(i(j-1)) <= w * 1000. An exclusion {X, a, b} invalidates a path reaching
 *   step b (only those: paths to steps before b ignore it) when an event of type X lies at an index
 *   strictly between ia and ib, including the path's own events of steps a+1..b-1.
 * - strict: as ordered, with i(j) = i(j-1) + 1 (the subject's very next event, of any type).
 * - any: one event per step 1..k (steps have distinct types) matching it; with s the earliest of their
 *   times, valid when t(ej) - s <= w * 1000 for every step j >= 2 with a window w.
 *
 * A subject reaches step k when a valid path (choice, for any) to step k exists; a step's count is the
 * number of subjects reaching it, so counts never increase. Its time to convert is the least, over those
 * paths, of latest minus earliest event time; medianSecondsToConvert is the median of those times over
 * the subjects reaching the step (mean of the middle two for an even count), null for step 1 and when
 * nobody reaches the step. Rates are 4-place decimal strings rounded half up: conversionRate against
 * step 1, stepConversionRate against the previous step ("1.0000" for a reached step 1), "0.0000" over 0.
 *
 * Breakdown: a subject's value is the property on its first (touch 'first') or last ('last') event where
 * it is neither null nor missing, else null. Every value some subject has gets its steps, ordered by
 * step-1 count descending, then by value (code-unit order, null last); `steps` always holds the totals.
 * Assumes `funnelSpecProblems(spec)` is empty.
 */
export function evaluateFunnel(journeys: readonly Journey[], spec: FunnelSpec): FunnelResult {
  const funnel = createFunnelAccumulator(spec);
  for (const journey of journeys) funnel.add(journey);
  return funnel.result();
}

/** A funnel evaluated one journey at a time (as a reader streams them); see evaluateFunnel. */
export interface FunnelAccumulator {
  add(journey: Journey): void;
  result(): FunnelResult;
}

/** evaluateFunnel fed journey by journey: `result()` equals evaluateFunnel over the journeys added. */
export function createFunnelAccumulator(spec: FunnelSpec): FunnelAccumulator {
  const spansOf = conversionSpans(spec);
  const totals = newTally(spec);
  const groups = new Map<string | null, number[][]>();
  const breakdown = spec.breakdown;
  return {
    add(journey) {
      const subject = spansOf(journey.events);
      tallySpans(totals, subject);
      if (breakdown === undefined) return;
      const value = breakdownValue(journey.events, breakdown);
      const group = groups.get(value) ?? newTally(spec);
      tallySpans(group, subject);
      groups.set(value, group);
    },
    result() {
      const result: FunnelResult = { steps: stepResults(spec, totals) };
      if (breakdown === undefined) return result;
      result.breakdown = [...groups]
        .map(([value, tally]) => ({ value, steps: stepResults(spec, tally) }))
        .sort((x, y) => (y.steps[0]?.count ?? 0) - (x.steps[0]?.count ?? 0) || compareValues(x.value, y.value));
      return result;
    },
  };
}

/**
 * Per step, the time to convert of every subject reaching it (its length is the step's count): flat
 * arrays of numbers, not one array per subject kept until the end, which a query over 100,000
 * subjects would otherwise carry into the old generation of the heap.
 */
const newTally = (spec: FunnelSpec): number[][] => spec.steps.map(() => []);

function tallySpans(tally: number[][], subject: readonly number[]): void {
  for (let k = 0; k < subject.length; k++) tally[k]?.push(subject[k] ?? 0);
}

/** A ratio as a decimal string with 4 places, rounded half up; "0.0000" when the denominator is 0. */
export function decimalRate(numerator: number, denominator: number): string {
  if (denominator === 0) return '0.0000';
  // Integer arithmetic: binary fractions would round 7/160 = 0.04375 down.
  const tenThousandths = Math.floor((numerator * 20_000 + denominator) / (2 * denominator));
  return `${Math.floor(tenThousandths / 10_000)}.${String(tenThousandths % 10_000).padStart(4, '0')}`;
}

/**
 * Milliseconds to convert to each step a subject reaches (0 for step 1); its length is steps reached.
 * What depends on the spec alone is worked out once here, not once per subject.
 */
function conversionSpans(spec: FunnelSpec): (events: readonly JourneyEvent[]) => number[] {
  if (spec.order !== 'any') return sequenceSpans(spec);
  const matchers = spec.steps.map(matcher);
  return (events) => anyOrderSpans(events, spec.steps, matchers);
}

/**
 * Any order: the earliest chosen time s is one of the matching events' times. For a candidate s, the
 * earliest event of each step at or after s is the best choice; if it is within the step's window the
 * choice is valid and lasts at most its latest time minus s. The least of these over s is exact, since
 * the optimal choice's earliest time is one of the candidates.
 */
function anyOrderSpans(
  events: readonly JourneyEvent[],
  steps: readonly FunnelStep[],
  matchers: readonly ((event: JourneyEvent) => boolean)[],
): number[] {
  const times = matchers.map((matches) => events.filter(matches).map((event) => event.at));
  const spans: number[] = [];
  for (let k = 1; k <= steps.length; k++) {
    let best = Infinity;
    for (const s of times.slice(0, k).flat()) {
      let latest = s;
      for (let j = 0; j < k && latest !== Infinity; j++) {
        const t = firstAtOrAfter(times[j] ?? [], s);
        latest = t !== Infinity && t - s <= windowMs(steps[j], j) ? Math.max(latest, t) : Infinity;
      }
      best = Math.min(best, latest - s);
    }
    if (best === Infinity) return spans;
    spans.push(best);
  }
  return spans;
}

/** The first of the sorted times at or after `from`, Infinity if none. */
function firstAtOrAfter(sorted: readonly number[], from: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? Infinity) < from) low = middle + 1;
    else high = middle;
  }
  return sorted[low] ?? Infinity;
}

function stepResults(spec: FunnelSpec, tally: readonly (readonly number[])[]): StepResult[] {
  const counts = tally.map((spans) => spans.length);
  return spec.steps.map((step, k) => ({
    eventType: step.eventType,
    count: counts[k] ?? 0,
    conversionRate: decimalRate(counts[k] ?? 0, counts[0] ?? 0),
    stepConversionRate: decimalRate(counts[k] ?? 0, counts[k - 1] ?? counts[0] ?? 0),
    medianSecondsToConvert: k === 0 ? null : medianSeconds(tally[k] ?? []),
  }));
}

function medianSeconds(milliseconds: readonly number[]): number | null {
  if (milliseconds.length === 0) return null;
  const sorted = [...milliseconds].sort((x, y) => x - y);
  const upper = sorted.length >> 1;
  const middle = sorted.length % 2 === 1 ? (sorted[upper] ?? 0) : ((sorted[upper - 1] ?? 0) + (sorted[upper] ?? 0)) / 2;
  return middle / 1000;
}

function breakdownValue(events: readonly JourneyEvent[], breakdown: FunnelSpec['breakdown'] & {}): string | null {
  const valued = events.filter((event) => (event.props[breakdown.property] ?? null) !== null);
  const event = breakdown.touch === 'first' ? valued[0] : valued.at(-1);
  return event?.props[breakdown.property] ?? null;
}

function compareValues(x: string | null, y: string | null): number {
  if (x === y) return 0;
  if (x === null || y === null) return x === null ? 1 : -1;
  return x < y ? -1 : 1;
}
