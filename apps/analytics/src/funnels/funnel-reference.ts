// Test-only: the funnel definitions applied by brute force, to check the engine against. Every index
// combination (ordered, strict) or assignment of distinct events to steps (any) is tried and each rule
// checked as worded; exponential, so only for journeys of a few events. Shares nothing but the types.
import type { FunnelResult, FunnelSpec, FunnelStep, Journey, JourneyEvent, StepResult } from './funnel-engine.ts';

export function referenceFunnel(journeys: readonly Journey[], spec: FunnelSpec): FunnelResult {
  const reached = journeys.map((journey) => spec.steps.map((_, k) => leastTimeToConvert(journey.events, spec, k + 1)));
  const result: FunnelResult = { steps: summarize(spec, reached) };
  if (spec.breakdown === undefined) return result;
  const values = journeys.map((journey) =>
    valueOf(journey.events, spec.breakdown?.property ?? '', spec.breakdown?.touch),
  );
  const distinct = values.filter((value, i) => values.indexOf(value) === i);
  const rows = distinct.map((value) => ({
    value,
    steps: summarize(
      spec,
      reached.filter((_, subject) => values[subject] === value),
    ),
  }));
  rows.sort((x, y) => {
    const byCount = (y.steps[0]?.count ?? 0) - (x.steps[0]?.count ?? 0);
    if (byCount !== 0) return byCount;
    if (x.value === null) return 1;
    if (y.value === null) return -1;
    return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  });
  return { ...result, breakdown: rows };
}

function holds(event: JourneyEvent, step: FunnelStep): boolean {
  if (event.type !== step.eventType) return false;
  for (const filter of step.filters ?? []) {
    const value = event.props[filter.property];
    if (filter.op === 'eq' && value !== filter.value) return false;
    if (filter.op === 'neq' && value === filter.value) return false;
  }
  return true;
}

/** Least latest-minus-earliest time (ms) over the valid paths to step k, null when none exists. */
function leastTimeToConvert(events: readonly JourneyEvent[], spec: FunnelSpec, k: number): number | null {
  let least: number | null = null;
  for (const tuple of tuples(events.length, k, spec.order !== 'any')) {
    const valid = spec.order === 'any' ? choiceIsValid(events, spec, tuple) : pathIsValid(events, spec, tuple);
    if (!valid) continue;
    const times = tuple.map((i) => events[i]?.at ?? 0);
    const took = spec.order === 'any' ? Math.max(...times) - Math.min(...times) : times[k - 1]! - times[0]!;
    if (least === null || took < least) least = took;
  }
  return least;
}

/** Every k-tuple of distinct indices below n; only increasing ones when `increasing`. */
function tuples(n: number, k: number, increasing: boolean): number[][] {
  if (k === 0) return [[]];
  const all: number[][] = [];
  for (const head of tuples(n, k - 1, increasing)) {
    for (let i = 0; i < n; i++) {
      if (head.includes(i) || (increasing && head.length > 0 && i <= head[head.length - 1]!)) continue;
      all.push([...head, i]);
    }
  }
  return all;
}

function pathIsValid(events: readonly JourneyEvent[], spec: FunnelSpec, path: readonly number[]): boolean {
  for (let j = 0; j < path.length; j++) {
    const event = events[path[j]!]!;
    const step = spec.steps[j]!;
    if (!holds(event, step)) return false;
    if (j === 0) continue;
    const previous = events[path[j - 1]!]!;
    if (spec.order === 'strict' && path[j] !== path[j - 1]! + 1) return false;
    if (step.withinSeconds !== undefined && event.at - previous.at > step.withinSeconds * 1000) return false;
  }
  for (const exclusion of spec.exclusions ?? []) {
    if (exclusion.beforeStep > path.length) continue;
    const from = path[exclusion.afterStep - 1]!;
    const to = path[exclusion.beforeStep - 1]!;
    for (let m = from + 1; m < to; m++) {
      if (events[m]!.type === exclusion.eventType) return false;
    }
  }
  return true;
}

function choiceIsValid(events: readonly JourneyEvent[], spec: FunnelSpec, choice: readonly number[]): boolean {
  if (!choice.every((i, j) => holds(events[i]!, spec.steps[j]!))) return false;
  const earliest = Math.min(...choice.map((i) => events[i]!.at));
  return choice.every((i, j) => {
    const window = spec.steps[j]!.withinSeconds;
    return j === 0 || window === undefined || events[i]!.at - earliest <= window * 1000;
  });
}

function summarize(spec: FunnelSpec, reached: readonly (readonly (number | null)[])[]): StepResult[] {
  const counts = spec.steps.map((_, k) => reached.filter((subject) => subject[k] !== null).length);
  return spec.steps.map((step, k) => {
    const times = reached.map((subject) => subject[k]).filter((t): t is number => t !== null && t !== undefined);
    return {
      eventType: step.eventType,
      count: counts[k]!,
      conversionRate: fourPlaces(counts[k]!, counts[0]!),
      stepConversionRate: k === 0 ? fourPlaces(counts[0]!, counts[0]!) : fourPlaces(counts[k]!, counts[k - 1]!),
      medianSecondsToConvert: k === 0 || times.length === 0 ? null : median(times) / 1000,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/** Long division to five places, then half up on the fifth. */
function fourPlaces(numerator: number, denominator: number): string {
  if (denominator === 0) return '0.0000';
  const whole = Math.floor(numerator / denominator);
  let remainder = numerator % denominator;
  let digits = '';
  for (let place = 0; place < 5; place++) {
    remainder *= 10;
    digits += String(Math.floor(remainder / denominator));
    remainder %= denominator;
  }
  let scaled = whole * 10000 + Number(digits.slice(0, 4));
  if (Number(digits[4]) >= 5) scaled += 1;
  return `${Math.floor(scaled / 10000)}.${String(scaled % 10000).padStart(4, '0')}`;
}

function valueOf(
  events: readonly JourneyEvent[],
  property: string,
  touch: 'first' | 'last' | undefined,
): string | null {
  const ordered = touch === 'last' ? [...events].reverse() : events;
  for (const event of ordered) {
    const value = event.props[property];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}
