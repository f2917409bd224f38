import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToJourney, type JourneyElement } from '../projections/journey-text.ts';
import { createJourneyDecoder, type ElementFilter } from './journey-decoder.ts';

const TYPES = ['lead.created', 'lead.scored', 'lead.qualified', 'lead.converted'];
const BASE = 1_790_000_000_000;

// Times on a coarse grid (ties are common, and out of log order); positions as gaps, summed below.
const elementArb = fc.record({
  type: fc.constantFrom(...TYPES),
  at: fc.integer({ min: -5, max: 5 }).map((minutes) => BASE + minutes * 60_000),
  position: fc.integer({ min: 1, max: 3 }),
  source: fc.constantFrom(null, 'referral', 'a "quoted"\nsource'),
  campaignId: fc.constantFrom(null, '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4'),
});
const journeyArb = fc.array(elementArb, { minLength: 1, maxLength: 15 }).map((elements) => {
  let position = 1000;
  return elements.map((e): JourneyElement => ({ ...e, position: (position += e.position) }));
});
const filterArb: fc.Arbitrary<ElementFilter> = fc.record({
  types: fc.option(fc.subarray(TYPES).map((types) => new Set(types))),
  fromMs: fc.integer({ min: -6, max: 6 }).map((minutes) => BASE + minutes * 60_000),
  toMs: fc.integer({ min: -6, max: 6 }).map((minutes) => BASE + minutes * 60_000),
  lastPosition: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1000, max: 1050 })),
});

/** What the reader must give: the kept elements by (time, log position), props from each element. */
function expected(elements: readonly JourneyElement[], filter: ElementFilter) {
  return elements
    .filter((e) => filter.types === null || filter.types.has(e.type))
    .filter((e) => e.at >= filter.fromMs && e.at < filter.toMs && e.position <= filter.lastPosition)
    .sort((x, y) => x.at - y.at || x.position - y.position)
    .map((e) => ({ type: e.type, at: e.at, props: { source: e.source, campaignId: e.campaignId } }));
}

describe('journey decoder', () => {
  it('reads the kept elements of journeys appended in any batches, sorted by time then log position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(journeyArb, fc.nat()), { minLength: 1, maxLength: 5 }),
        filterArb,
        (subjects, filter) => {
          // One decoder for every subject, as for a query: the dictionaries it keeps must not leak between them.
          const decode = createJourneyDecoder(filter);
          for (const [elements, cut] of subjects) {
            const at = cut % elements.length;
            const stored = appendToJourney(
              appendToJourney(null, elements.slice(0, at || elements.length)),
              elements.slice(at || elements.length),
            );
            expect(decode(stored)).toEqual(expected(elements, filter));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('shares one props object between the events of the same source and campaign', () => {
    const decode = createJourneyDecoder({ types: null, fromMs: -Infinity, toMs: Infinity, lastPosition: Infinity });
    const element = { type: 'lead.created', at: BASE, position: 1, source: 'referral', campaignId: null };
    const [first] = decode(appendToJourney(null, [element]));
    const [second, third] = decode(appendToJourney(null, [element, { ...element, type: 'lead.scored', position: 2 }]));
    expect(first?.props).toEqual({ source: 'referral', campaignId: null });
    expect(second?.props).toBe(third?.props);
  });
});
