import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFunnel, type FunnelSpec, type Journey, type JourneyEvent } from './funnel-engine.ts';
import { funnelSpecProblems } from './funnel-spec-problems.ts';
import { referenceFunnel } from './funnel-reference.ts';

const TYPES = ['view', 'signup', 'buy', 'share'] as const;

// Times on a half-second grid over ten seconds, so ties and events exactly at a window's edge are common.
const eventArb: fc.Arbitrary<JourneyEvent> = fc
  .record({
    type: fc.constantFrom(...TYPES),
    at: fc.integer({ min: 0, max: 20 }).map((halfSeconds) => halfSeconds * 500),
    source: fc.constantFrom('a', 'b', null, undefined),
  })
  .map(({ type, at, source }): JourneyEvent => ({ type, at, props: source === undefined ? {} : { source } }));

// Two journeys in three are long (5..8 events): four-step paths, and events between them, need room.
const eventsArb = fc.oneof(
  { arbitrary: fc.array(eventArb, { maxLength: 8, size: 'max' }), weight: 1 },
  { arbitrary: fc.array(eventArb, { minLength: 5, maxLength: 8, size: 'max' }), weight: 2 },
);
const historyArb: fc.Arbitrary<Journey[]> = fc
  .array(eventsArb, { minLength: 1, maxLength: 30, size: 'max' })
  .map((subjects) =>
    // Array.prototype.sort is stable: events at the same time keep their generated (log) order.
    subjects.map((events, i) => ({ subjectId: `s${i}`, events: [...events].sort((x, y) => x.at - y.at) })),
  );

const filterArb = fc.record({
  property: fc.constant('source'),
  op: fc.constantFrom('eq' as const, 'neq' as const),
  value: fc.constantFrom('a', 'b'),
});

// Half the exclusions name one of the funnel's own step types, so one can fall on a path's own events.
function exclusionArb(stepTypes: readonly string[]) {
  return fc.integer({ min: 1, max: stepTypes.length - 1 }).chain((afterStep) =>
    fc.record({
      eventType: fc.oneof(fc.constantFrom(...TYPES), fc.constantFrom(...stepTypes)),
      afterStep: fc.constant(afterStep),
      beforeStep: fc.integer({ min: afterStep + 1, max: stepTypes.length }),
    }),
  );
}

// Windows on half the steps and a filter on one in five, so that many subjects still reach the last step.
function specArb(order: FunnelSpec['order'], stepTypes: readonly string[]): fc.Arbitrary<FunnelSpec> {
  const sized = { minLength: stepTypes.length, maxLength: stepTypes.length };
  return fc
    .record({
      windows: fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined, freq: 2 }), sized),
      filters: fc.array(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: filterArb, weight: 1 }),
        sized,
      ),
      exclusions: order === 'any' ? fc.constant([]) : fc.array(exclusionArb(stepTypes), { maxLength: 2, size: 'max' }),
      breakdown: fc.option(
        fc.record({ property: fc.constant('source'), touch: fc.constantFrom('first' as const, 'last' as const) }),
        { nil: undefined },
      ),
    })
    .map(({ windows, filters, exclusions, breakdown }) => ({
      order,
      steps: stepTypes.map((eventType, j) => ({
        eventType,
        ...(j > 0 && windows[j] !== undefined ? { withinSeconds: windows[j] } : {}),
        ...(filters[j] === undefined ? {} : { filters: [filters[j]] }),
      })),
      ...(exclusions.length > 0 ? { exclusions } : {}),
      ...(breakdown === undefined ? {} : { breakdown }),
    }));
}

// Steps of an any-order funnel have distinct types; ordered and strict ones may repeat a type.
const funnelSpecArb = fc
  .constantFrom('ordered' as const, 'strict' as const, 'any' as const)
  .chain((order) =>
    (order === 'any'
      ? fc.shuffledSubarray([...TYPES], { minLength: 2, maxLength: 4 })
      : fc.array(fc.constantFrom(...TYPES), { minLength: 2, maxLength: 4 })
    ).chain((stepTypes) => specArb(order, stepTypes)),
  );

describe('the funnel engine against the brute-force reference', () => {
  it('agrees on 1,000 random histories and specs: every order, windows, exclusions, filters, breakdowns', () => {
    fc.assert(
      fc.property(historyArb, funnelSpecArb, (history, spec) => {
        expect(funnelSpecProblems(spec)).toEqual([]);
        expect(evaluateFunnel(history, spec)).toStrictEqual(referenceFunnel(history, spec));
      }),
      { numRuns: 1000 },
    );
  });
});
