import { describe, expect, it } from 'vitest';
import { chooseWinner, rateOf } from './choose-winner.ts';

describe('chooseWinner', () => {
  it('chooses the best rate and tests it against the runner-up', () => {
    const outcome = chooseWinner([
      { variant: 'a', recipients: 500, successes: 105 },
      { variant: 'b', recipients: 500, successes: 140 },
      { variant: 'c', recipients: 500, successes: 20 },
    ]);
    expect(outcome.winner).toBe('b');
    expect(outcome.pValue).toBeCloseTo(0.01007, 5);
    expect(outcome.variants.map((v) => [v.variant, v.rate])).toEqual([
      ['a', '0.2100'],
      ['b', '0.2800'],
      ['c', '0.0400'],
    ]);
  });

  it('compares rates, not counts, and gives a tie to the first variant of the plan', () => {
    expect(
      chooseWinner([
        { variant: 'a', recipients: 300, successes: 30 },
        { variant: 'b', recipients: 100, successes: 11 },
      ]).winner,
    ).toBe('b');
    const tie = chooseWinner([
      { variant: 'x', recipients: 100, successes: 10 },
      { variant: 'y', recipients: 200, successes: 20 },
    ]);
    expect(tie).toMatchObject({ winner: 'x', pValue: 1 });
  });

  it('chooses the first variant when nobody was tested', () => {
    const empty = chooseWinner([
      { variant: 'a', recipients: 0, successes: 0 },
      { variant: 'b', recipients: 0, successes: 0 },
    ]);
    expect(empty).toMatchObject({ winner: 'a', pValue: 1 });
    expect(empty.variants.map((v) => v.rate)).toEqual(['0.0000', '0.0000']);
  });
});

describe('rateOf', () => {
  it('rounds half up to 4 places', () => {
    expect(rateOf({ variant: 'a', recipients: 3, successes: 2 })).toBe('0.6667');
    expect(rateOf({ variant: 'a', recipients: 20_000, successes: 1 })).toBe('0.0001');
    expect(rateOf({ variant: 'a', recipients: 7, successes: 7 })).toBe('1.0000');
  });
});
