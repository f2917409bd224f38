import { Decimal } from 'decimal.js';

// Sums of many 15-digit amounts outgrow decimal.js's default 20 significant digits.
export const Exact = Decimal.clone({ precision: 60 });
export type Exact = InstanceType<typeof Exact>;

const DAY_MS = 86_400_000;
/** Google Ads: a day may spend up to twice the average daily budget... */
const DAILY_FACTOR = 2;
/** ...and a calendar month at most 30.4 times it. */
const MONTHLY_FACTOR = '30.4';

/** A campaign's budget as pacing reads it (the campaigns read model). */
export interface PacingBudget {
  totalBudget: string;
  /** Null: the average daily budget is the total spread over the schedule's days. */
  dailyBudget: string | null;
  currency: string;
  /** The schedule's first and last UTC days (YYYY-MM-DD); lastDay null for an open-ended schedule. */
  firstDay: string;
  lastDay: string | null;
}

/** Caps as 4-place decimal strings; daily and monthly are null when there is no average daily budget. */
export interface PacingCaps {
  averageDaily: string | null;
  daily: string | null;
  monthly: string | null;
  total: string;
}

/** Canonical money text: at least 2 and at most 4 fraction digits ("5000.00", "12.3456"). */
export function moneyText(value: Exact): string {
  const fixed = value.toFixed(4, Decimal.ROUND_DOWN);
  return fixed.replace(/(\.\d\d\d?)0+$/, '$1').replace(/(\.\d\d)0$/, '$1');
}

/** Calendar days from the first to the last (both included), at least 1. */
export function scheduleDays(firstDay: string, lastDay: string): number {
  return Math.max(1, Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / DAY_MS) + 1);
}

/**
 * The average daily budget is dailyBudget when set, else the total budget over the schedule's
 * days; an open-ended schedule without a daily budget has no average, so only the total caps
 * it. Caps are rounded down to 4 places: rounding never lets a cap sit above the rule.
 */
export function pacingCaps(budget: PacingBudget): PacingCaps {
  const total = new Exact(budget.totalBudget);
  const average =
    budget.dailyBudget !== null
      ? new Exact(budget.dailyBudget)
      : budget.lastDay !== null
        ? total.dividedBy(scheduleDays(budget.firstDay, budget.lastDay))
        : null;
  return {
    averageDaily: average && moneyText(average),
    daily: average && moneyText(average.times(DAILY_FACTOR)),
    monthly: average && moneyText(average.times(MONTHLY_FACTOR)),
    total: moneyText(total),
  };
}
