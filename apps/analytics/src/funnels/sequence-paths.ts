import type { FunnelSpec, JourneyEvent } from './funnel-engine.ts';
import { matcher, windowMs } from './step-match.ts';

const NO_PATH = -Infinity;

/** One step of the path DP: which events may end it, the window from the previous one, the blockers. */
interface LayerPlan {
  canEnd: (event: JourneyEvent) => boolean;
  window: number;
  blockers: ReadonlySet<string>;
}

/** Targets first..last sharing one set of binding exclusions, and the DP layers they need. */
interface Run {
  first: number;
  last: number;
  startsPath: (event: JourneyEvent) => boolean;
  layers: LayerPlan[];
}

/**
 * Ordered and strict funnels (see evaluateFunnel): milliseconds to convert to each step a subject
 * reaches. What depends on the spec alone is planned once; the DP's layers live in one buffer that
 * every subject of the query reuses, so a subject costs no allocation but its result.
 */
export function sequenceSpans(spec: FunnelSpec): (events: readonly JourneyEvent[]) => number[] {
  const runs = sequenceRuns(spec);
  const advance = spec.order === 'strict' ? nextEventStep : laterEventStep;
  let buffer = new Float64Array(spec.steps.length * 16);
  let candidates = new Int32Array(16);
  return (events) => {
    const n = events.length;
    if (buffer.length < spec.steps.length * n) buffer = new Float64Array(spec.steps.length * n * 2);
    if (candidates.length < n) candidates = new Int32Array(n * 2);
    const spans: number[] = [];
    for (const run of runs) {
      for (let i = 0; i < n; i++) {
        const event = events[i] as JourneyEvent;
        buffer[i] = run.startsPath(event) ? event.at : NO_PATH;
      }
      run.layers.forEach((plan, j) => advance(events, buffer, j * n, plan, candidates));
      for (let target = run.first; target <= run.last; target++) {
        const span = shortestSpan(events, buffer, (target - 1) * n);
        if (span === Infinity) return spans;
        spans.push(span);
      }
    }
    return spans;
  };
}

/** The least time from a path's start to its last event, over the paths of one layer (Infinity: none). */
function shortestSpan(events: readonly JourneyEvent[], layers: Float64Array, offset: number): number {
  let span = Infinity;
  for (let i = 0; i < events.length; i++) span = Math.min(span, (events[i]?.at ?? 0) - (layers[offset + i] ?? NO_PATH));
  return span;
}

/**
 * Which exclusions bind depends on the target step (those with beforeStep <= target), so the path DP runs
 * once per run of targets sharing the same exclusions: a new run starts at each distinct beforeStep.
 */
function sequenceRuns(spec: FunnelSpec): Run[] {
  const exclusions = spec.exclusions ?? [];
  const runs: Run[] = [];
  const startsPath = matcher(spec.steps[0] ?? { eventType: '' });
  for (let target = 1; target <= spec.steps.length;) {
    let last = target;
    while (last < spec.steps.length && !exclusions.some((e) => e.beforeStep === last + 1)) last++;
    const binding = exclusions.filter((e) => e.beforeStep <= target);
    runs.push({ first: target, last, startsPath, layers: layerPlans(spec, binding, last) });
    target = last + 1;
  }
  return runs;
}

/**
 * Steps 2..stepCount of the DP. Between steps j and j+1 (1-based) an exclusion with afterStep <= j <
 * beforeStep forbids its type strictly between the two events, and at event j+1 itself when j+1 < beforeStep.
 */
function layerPlans(spec: FunnelSpec, exclusions: FunnelSpec['exclusions'] & {}, stepCount: number): LayerPlan[] {
  const plans: LayerPlan[] = [];
  for (let j = 1; j < stepCount; j++) {
    const between = exclusions.filter((e) => e.afterStep <= j && j < e.beforeStep);
    const atStep = new Set(between.filter((e) => j + 1 < e.beforeStep).map((e) => e.eventType));
    const step = spec.steps[j] ?? { eventType: '' };
    const matchesStep = matcher(step);
    plans.push({
      canEnd: atStep.size === 0 ? matchesStep : (event) => matchesStep(event) && !atStep.has(event.type),
      window: windowMs(step, j),
      blockers: new Set(between.map((e) => e.eventType)),
    });
  }
  return plans;
}

/*
 * Layer j+1 of the DP from layer j (at `from` in `layers`, the next one right after it): entry i is the
 * latest t(i1) over valid paths whose step j+2 is event i, NO_PATH if none. Windows and exclusions only
 * constrain consecutive path events, so the latest start is all a path needs to carry.
 */

/** Strict: the previous step is the very previous event. */
function nextEventStep(events: readonly JourneyEvent[], layers: Float64Array, from: number, plan: LayerPlan): void {
  const to = from + events.length;
  layers[to] = NO_PATH;
  for (let i = 1; i < events.length; i++) {
    const event = events[i] as JourneyEvent;
    const fits = plan.canEnd(event) && event.at - (events[i - 1]?.at ?? 0) <= plan.window;
    layers[to + i] = fits ? (layers[from + i - 1] ?? NO_PATH) : NO_PATH;
  }
}

/**
 * Ordered: sliding maximum of the previous layer. The allowed predecessors of event i are the indices
 * from max(last blocker before i, first index within the window) to i-1, and both bounds only move
 * forward because events are sorted by time. `candidates[head..tail)` are indices whose starts
 * strictly decrease.
 */
function laterEventStep(
  events: readonly JourneyEvent[],
  layers: Float64Array,
  from: number,
  plan: LayerPlan,
  candidates: Int32Array,
): void {
  const to = from + events.length;
  let head = 0;
  let tail = 0;
  let lastBlocker = -1;
  const start = (c: number) => layers[from + c] ?? NO_PATH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as JourneyEvent;
    if (i > 0 && start(i - 1) !== NO_PATH) {
      while (tail > head && start(candidates[tail - 1] ?? 0) <= start(i - 1)) tail--;
      candidates[tail++] = i - 1;
    }
    while (head < tail && tooEarly(events, candidates[head] ?? 0, event, lastBlocker, plan.window)) head++;
    layers[to + i] = head < tail && plan.canEnd(event) ? start(candidates[head] ?? 0) : NO_PATH;
    if (plan.blockers.size > 0 && plan.blockers.has(event.type)) lastBlocker = i;
  }
}

/** Candidate c cannot precede `event`: a blocker lies after it, or it is out of the window. */
const tooEarly = (
  events: readonly JourneyEvent[],
  c: number,
  event: JourneyEvent,
  lastBlocker: number,
  window: number,
) => c < lastBlocker || event.at - (events[c]?.at ?? 0) > window;
