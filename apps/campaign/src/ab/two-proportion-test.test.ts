import { describe, expect, it } from 'vitest';
import { twoProportionPValue } from './two-proportion-test.ts';

describe('twoProportionPValue', () => {
  it('matches the pooled z-test of textbook examples (R: prop.test(..., correct = FALSE))', () => {
    // 45/100 vs 30/100: z = 2.1909, chi-squared = z^2 = 4.8, p = 0.02846.
    expect(twoProportionPValue({ successes: 45, trials: 100 }, { successes: 30, trials: 100 })).toBeCloseTo(0.02846, 5);
    // 140/500 vs 105/500: z = 2.5734, p = 0.01007.
    expect(twoProportionPValue({ successes: 105, trials: 500 }, { successes: 140, trials: 500 })).toBeCloseTo(
      0.01007,
      5,
    );
    // Close rates on small groups are no evidence: 30/200 vs 25/200, z = 0.726, p = 0.4679.
    expect(twoProportionPValue({ successes: 30, trials: 200 }, { successes: 25, trials: 200 })).toBeCloseTo(0.46787, 5);
    // 52/1000 vs 31/1000: z = 2.3544, p = 0.01855; unequal groups, 52/1000 vs 31/800: z = 1.3319, p = 0.18289.
    expect(twoProportionPValue({ successes: 52, trials: 1000 }, { successes: 31, trials: 1000 })).toBeCloseTo(
      0.01855,
      5,
    );
    expect(twoProportionPValue({ successes: 52, trials: 1000 }, { successes: 31, trials: 800 })).toBeCloseTo(
      0.18289,
      5,
    );
  });

  it('is symmetric and 1 for equal rates', () => {
    const a = { successes: 12, trials: 80 };
    const b = { successes: 30, trials: 90 };
    expect(twoProportionPValue(a, b)).toBe(twoProportionPValue(b, a));
    expect(twoProportionPValue({ successes: 10, trials: 50 }, { successes: 20, trials: 100 })).toBe(1);
  });

  it('answers 1 when there is nothing to compare: an empty group, or no variance at all', () => {
    expect(twoProportionPValue({ successes: 0, trials: 0 }, { successes: 5, trials: 10 })).toBe(1);
    expect(twoProportionPValue({ successes: 0, trials: 40 }, { successes: 0, trials: 40 })).toBe(1);
    expect(twoProportionPValue({ successes: 40, trials: 40 }, { successes: 40, trials: 40 })).toBe(1);
  });
});
