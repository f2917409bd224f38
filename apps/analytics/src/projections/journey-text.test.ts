import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendToJourney, type JourneyElement } from './journey-text.ts';

/** The format read back by the letter of its definition, in log order (the service decodes it in funnels/journey-decoder.ts). */
function journeyElements(stored: string): JourneyElement[] {
  const [head = '', ...sections] = stored.split('\n');
  const [b = '', p = ''] = head.split(' ');
  const d = JSON.parse(head.slice(b.length + p.length + 2)) as string[];
  const text = (i: number) => (i < 0 ? null : (d[i] ?? null));
  return sections
    .flatMap((section) => {
      const [type = '', ...elements] = section.split(' ');
      return elements.map((element) => {
        const [at = 0, position = 0, source = 0, campaignId = 0] = element.split(',').map(Number);
        return {
          type: text(Number(type)) ?? '',
          at: Number(b) + at,
          position: Number(p) + position,
          source: text(source),
          campaignId: text(campaignId),
        };
      });
    })
    .sort((x, y) => x.position - y.position);
}

const element = fc.record({
  type: fc.constantFrom('lead.created', 'lead.qualified', 'lead.converted'),
  at: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  position: fc.integer({ min: 1, max: 1_000_000 }),
  source: fc.constantFrom(null, 'referral', 'website_form'),
  campaignId: fc.constantFrom(null, '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4'),
});

/** Elements as the log orders them: each generated position is the gap after the one before. */
const inLogOrder = (elements: readonly JourneyElement[]) => {
  let position = 0;
  return elements.map((e) => ({ ...e, position: (position += e.position) }));
};

describe('journey text', () => {
  it('gives back every element appended, in order, across appends (out-of-order times included)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(element, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (batches) => {
          const elements = inLogOrder(batches.flat());
          let stored: string | null = null;
          for (let i = 0, at = 0; i < batches.length; at += batches[i]?.length ?? 0, i++)
            stored = appendToJourney(stored, elements.slice(at, at + (batches[i]?.length ?? 0)));
          expect(journeyElements(stored ?? '')).toEqual(elements);
        },
      ),
    );
  });

  it('keeps each string once, times and positions as differences, elements grouped by type', () => {
    const at = 1_790_000_000_000;
    const elements: JourneyElement[] = [
      { type: 'lead.created', at, position: 100, source: 'referral', campaignId: null },
      { type: 'lead.scored', at: at + 60_000, position: 105, source: 'referral', campaignId: null },
      { type: 'lead.created', at: at - 1_000, position: 107, source: 'line\nbreak', campaignId: 'c 1' },
    ];
    expect(appendToJourney(null, elements)).toBe(
      `${at} 100 ["lead.created","referral","lead.scored","line\\nbreak","c 1"]\n0 0,0,1,-1 -1000,7,3,4\n2 60000,5,1,-1`,
    );
  });

  it('is the same text however the elements were split into appends', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 2, maxLength: 12 }).map(inLogOrder), fc.nat(), (elements, cut) => {
        const at = 1 + (cut % (elements.length - 1));
        const split = appendToJourney(appendToJourney(null, elements.slice(0, at)), elements.slice(at));
        expect(split).toBe(appendToJourney(null, elements));
      }),
    );
  });
});
