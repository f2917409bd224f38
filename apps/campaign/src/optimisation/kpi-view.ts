import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { moneyAmount } from '@bizosaas/event-schemas';
import { Exact, moneyText } from '../spend/pacing-caps.ts';
import type { KpiCounts } from './kpi-counts.ts';

const rate = z
  .string()
  .regex(/^\d\.\d{4}$/)
  .describe('A ratio between 0 and 1, 4 decimal places');
const rateChange = z
  .string()
  .regex(/^-?\d\.\d{4}$/)
  .describe('Rate now minus rate at the change, 4 decimal places');

export const kpisView = z.strictObject({
  enrolled: z.int().min(0).describe('Recipients who entered the campaign'),
  sent: z.int().min(0).describe('Messages notification accepted and did not suppress'),
  opened: z.int().min(0),
  clicked: z.int().min(0),
  converted: z.int().min(0).describe('Enrolled recipients who converted'),
  openRate: rate.describe('opened / sent'),
  clickRate: rate.describe('clicked / sent'),
  conversionRate: rate.describe('converted / enrolled'),
  spend: moneyAmount.describe("The campaign's spend ledger total, in its budget currency"),
});
export type KpisView = z.output<typeof kpisView>;

export const effectView = z.strictObject({
  openRate: rateChange,
  clickRate: rateChange,
  conversionRate: rateChange,
  spend: z
    .string()
    .regex(/^-?\d+\.\d{2,4}$/)
    .describe('Spent since the change (negative only when a re-synced day came in lower)'),
});
export type EffectView = z.output<typeof effectView>;

const ratio = (part: number, whole: number) =>
  whole === 0 ? '0.0000' : new Exact(part).div(whole).toFixed(4, Decimal.ROUND_HALF_UP);

/** Counts with their rates (an empty denominator is a rate of 0). */
export function kpisOf(counts: KpiCounts): KpisView {
  return {
    enrolled: counts.enrolled,
    sent: counts.sent,
    opened: counts.opened,
    clicked: counts.clicked,
    converted: counts.converted,
    openRate: ratio(counts.opened, counts.sent),
    clickRate: ratio(counts.clicked, counts.sent),
    conversionRate: ratio(counts.converted, counts.enrolled),
    spend: moneyText(new Exact(counts.spend)),
  };
}

const difference = (now: string, then: string) => new Exact(now).minus(then).toFixed(4);

/** How the rates moved since the change, and what was spent since. */
export function effectOf(atChange: KpisView, now: KpisView): EffectView {
  const spent = new Exact(now.spend).minus(atChange.spend);
  return {
    openRate: difference(now.openRate, atChange.openRate),
    clickRate: difference(now.clickRate, atChange.clickRate),
    conversionRate: difference(now.conversionRate, atChange.conversionRate),
    spend: spent.isNegative() ? `-${moneyText(spent.abs())}` : moneyText(spent),
  };
}
