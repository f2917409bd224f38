import { errorFunction } from 'simple-statistics';

export interface Proportion {
  successes: number;
  trials: number;
}

/** The standard normal CDF from simple-statistics' error function (accurate to about 1e-7). */
const normalCdf = (z: number) => 0.5 * (1 + errorFunction(z / Math.SQRT2));

/**
 * The two-sided p-value of the pooled two-proportion z-test of H0: both share one rate. With no
 * trials on a side, or a pooled rate of 0 or 1 (no variance), nothing tells them apart: 1.
 */
export function twoProportionPValue(a: Proportion, b: Proportion): number {
  if (a.trials === 0 || b.trials === 0) return 1;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const variance = pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials);
  if (variance <= 0) return 1;
  const z = (a.successes / a.trials - b.successes / b.trials) / Math.sqrt(variance);
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  return Math.min(1, Math.max(0, Number(p.toFixed(6))));
}
