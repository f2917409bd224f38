import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToJourney, type JourneyDoc, type JourneyElement } from './journey-text.ts';

/** The format read back by the letter of its definition (the service decodes it in funnels/read-journeys.ts). */
function journeyElements(stored: string): JourneyElement[] {
  const doc = JSON.parse(stored) as JourneyDoc;
  const text = (i: number) => (i < 0 ? null : (doc.d[i] ?? null));
  return doc.e.map(([type, at, position, source, campaignId]) => ({
    type: text(type) ?? '',
    at: doc.b + at,
    position: doc.p + position,
    source: text(source),
    campaignId: text(campaignId),
  }));
}

const element = fc.record({
  type: fc.constantFrom('lead.created', 'lead.qualified', 'lead.converted'),
  at: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  position: fc.integer({ min: 1, max: 1_000_000_000 }),
  source: fc.constantFrom(null, 'referral', 'website_form'),
  campaignId: fc.constantFrom(null, '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4'),
});

describe('journey text', () => {
  it('gives back every element appended, in order, across appends (out-of-order times included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(element, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (batches) => {
          let stored: string | null = null;
          for (const batch of batches) stored = appendToJourney(stored, batch);
          expect(journeyElements(stored ?? '')).toEqual(batches.flat());
        },
      ),
    );
  });

  it('keeps each string once and times as differences', () => {
    const at = 1_790_000_000_000;
    const elements: JourneyElement[] = [
      { type: 'lead.created', at, position: 100, source: 'referral', campaignId: null },
      { type: 'lead.scored', at: at + 60_000, position: 105, source: 'referral', campaignId: null },
    ];
    expect(JSON.parse(appendToJourney(null, elements))).toEqual({
      b: at,
      p: 100,
      d: ['lead.created', 'referral', 'lead.scored'],
      e: [
        [0, 0, 0, 1, -1],
        [2, 60_000, 5, 1, -1],
      ],
    });
  });
});
