import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollupSegments, type Segment } from './rollup-segments.ts';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const pieces = (s: ReturnType<typeof rollupSegments>): Segment[] =>
  [...s.minutes, ...s.hours, s.days].filter(([a, b]) => a < b);

describe('rollupSegments', () => {
  it('reads whole days from the day rollup and the edges from hours and minutes', () => {
    const s = rollupSegments(at('2026-12-01T18:30:00Z'), at('2026-12-04T02:15:00Z'));
    expect(s.days).toEqual([at('2026-12-02T00:00:00Z'), at('2026-12-04T00:00:00Z')]);
    expect(s.hours).toEqual([
      [at('2026-12-01T19:00:00Z'), at('2026-12-02T00:00:00Z')],
      [at('2026-12-04T00:00:00Z'), at('2026-12-04T02:00:00Z')],
    ]);
    expect(s.minutes).toEqual([
      [at('2026-12-01T18:30:00Z'), at('2026-12-01T19:00:00Z')],
      [at('2026-12-04T02:00:00Z'), at('2026-12-04T02:15:00Z')],
    ]);
  });

  it('keeps a range inside one hour to minutes', () => {
    const s = rollupSegments(at('2026-12-01T10:05:00Z'), at('2026-12-01T10:50:00Z'));
    expect(pieces(s)).toEqual([[at('2026-12-01T10:05:00Z'), at('2026-12-01T10:50:00Z')]]);
  });

  it('covers every range exactly, without overlap, each piece aligned to its unit', () => {
    const minute = fc.integer({ min: 0, max: 60 * 24 * 400 }).map((m) => at('2026-01-01T00:00:00Z') + m * MINUTE);
    fc.assert(
      fc.property(minute, minute, (x, y) => {
        const [from, to] = x <= y ? [x, y] : [y, x];
        const s = rollupSegments(from, to);
        const sorted = pieces(s).sort((a, b) => a[0] - b[0]);
        let cursor = from;
        for (const [a, b] of sorted) {
          expect(a).toBe(cursor);
          cursor = b;
        }
        expect(cursor).toBe(from === to ? from : to);
        for (const [a, b] of s.hours.filter(([p, q]) => p < q)) expect([a % 3_600_000, b % 3_600_000]).toEqual([0, 0]);
        const [d1, d2] = s.days;
        if (d1 < d2) expect([d1 % 86_400_000, d2 % 86_400_000]).toEqual([0, 0]);
      }),
      { numRuns: 500 },
    );
  });
});
