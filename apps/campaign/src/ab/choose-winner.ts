import { Decimal } from 'decimal.js';
import { twoProportionPValue } from './two-proportion-test.ts';

/** A variant's test group: recipients sent the variant, and those who did what the metric counts. */
export interface VariantCount {
  variant: string;
  recipients: number;
  successes: number;
}

export interface VariantResult extends VariantCount {
  /** successes / recipients, a 4-place decimal string ("0.0000" without recipients). */
  rate: string;
}

export interface AbOutcome {
  winner: string;
  /** Two-sided p-value of the two-proportion test between the two best variants. */
  pValue: number;
  variants: VariantResult[];
}

export const rateOf = ({ recipients, successes }: VariantCount): string =>
  recipients === 0 ? '0.0000' : new Decimal(successes).div(recipients).toFixed(4, Decimal.ROUND_HALF_UP);

/** b's rate minus a's, compared exactly as fractions (a variant without recipients has rate 0). */
const byRate = (a: VariantCount, b: VariantCount) =>
  b.successes * Math.max(a.recipients, 1) - a.successes * Math.max(b.recipients, 1);

/**
 * The variant with the best rate wins; of equal rates the first in plan order (`counts` is in
 * plan order, and the sort is stable). The p-value says how sure the lead of the winner over the
 * runner-up is; the winner is chosen either way, since the rest of the audience must get one.
 */
export function chooseWinner(counts: readonly VariantCount[]): AbOutcome {
  if (counts.length < 2) throw new Error(`an A/B test needs two variants or more, got ${counts.length}`);
  const [best, second] = [...counts].sort(byRate) as [VariantCount, VariantCount];
  return {
    winner: best.variant,
    pValue: twoProportionPValue(
      { successes: best.successes, trials: best.recipients },
      { successes: second.successes, trials: second.recipients },
    ),
    variants: counts.map((count) => ({ ...count, rate: rateOf(count) })),
  };
}
