import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from './decider.ts';

describe('fold', () => {
  const evolve = (state: readonly number[], event: number) => [...state, event];

  it('applies events in order', () => {
    expect(fold(evolve, [0], [1, 2, 3])).toEqual([0, 1, 2, 3]);
    expect(fold(evolve, [], [])).toEqual([]);
  });

  it('folding a history in two parts equals folding it at once (snapshot + tail)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.integer()), (head, tail) => {
        expect(fold(evolve, fold(evolve, [], head), tail)).toEqual(fold(evolve, [], [...head, ...tail]));
      }),
    );
  });
});
