import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pieces } from './completion-body.ts';

describe('pieces', () => {
  it('cuts a text into pieces of at most n code points that join back to it, never inside a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 20 }), (text, size) => {
        const cut = pieces(text, size);
        expect(cut.join('')).toBe(text);
        for (const piece of cut) {
          expect(Array.from(piece).length).toBeGreaterThan(0);
          expect(Array.from(piece).length).toBeLessThanOrEqual(size);
          expect(piece.isWellFormed()).toBe(true);
        }
      }),
    );
  });
});
