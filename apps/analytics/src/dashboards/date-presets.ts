import { DateTime } from 'luxon';
import { z } from 'zod';
import { resolveRange, type ResolvedRange } from '../kpis/range-query.ts';

/** A saved range: relative to the day it is read in the zone, or fixed (dates or whole-minute datetimes). */
export const dateRangeSchema = z.union([
  z.enum(['last_7_days', 'last_30_days', 'month_to_date']),
  z.strictObject({
    from: z.string().max(40).describe('A date (YYYY-MM-DD, local to the time zone) or a whole-minute ISO datetime'),
    to: z.string().max(40).describe('A date (inclusive) or a whole-minute ISO datetime (exclusive)'),
  }),
]);
export type DateRangeSetting = z.infer<typeof dateRangeSchema>;

/**
 * The bounds a saved range stands for on `now` in `timezone`: the last N local days end with
 * today (inclusive), month to date starts on the 1st; a fixed range is taken as it is.
 */
export function presetBounds(range: DateRangeSetting, timezone: string, now: Date): { from: string; to: string } {
  if (typeof range !== 'string') return range;
  const today = DateTime.fromJSDate(now, { zone: timezone });
  const to = today.toISODate() ?? '';
  if (range === 'month_to_date') return { from: today.startOf('month').toISODate() ?? '', to };
  const days = range === 'last_7_days' ? 7 : 30;
  return { from: today.minus({ days: days - 1 }).toISODate() ?? '', to };
}

/** A saved range resolved to instants (ValidationError naming from, to or timezone). */
export function resolveSavedRange(range: DateRangeSetting, timezone: string, now: Date): ResolvedRange {
  return resolveRange({ ...presetBounds(range, timezone, now), timezone }, now);
}
