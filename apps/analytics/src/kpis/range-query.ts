import { z } from 'zod';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { isValidZone, resolveDateRange } from '../time/date-range.ts';

/** The range parameters every query takes: dates in the time zone or whole-minute datetimes. */
export const rangeFields = {
  from: z
    .string()
    .max(40)
    .optional()
    .describe(
      'Start: a date (YYYY-MM-DD, local to timezone) or an ISO 8601 datetime on a whole minute; default: the beginning',
    ),
  to: z
    .string()
    .max(40)
    .optional()
    .describe(
      'End: a date (inclusive: up to the next local midnight) or a whole-minute datetime (exclusive); default: now',
    ),
  timezone: z
    .string()
    .max(64)
    .default('UTC')
    .describe('IANA time zone of the dates and of the buckets, e.g. America/New_York'),
};

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  timezone: string;
}

/** Checks the zone and resolves the range (ValidationError naming the bad parameter). */
export function resolveRange(query: { from?: string; to?: string; timezone: string }, now: Date): ResolvedRange {
  if (!isValidZone(query.timezone))
    throw new ValidationError('timezone must be an IANA time zone name', [
      { path: 'timezone', message: `unknown time zone ${query.timezone}`, location: 'query' },
    ]);
  const { fromMs, toMs } = resolveDateRange({ from: query.from, to: query.to }, query.timezone, now.getTime());
  return { fromMs, toMs, timezone: query.timezone };
}

export const rangeView = z.object({
  from: z.string().describe('ISO 8601, inclusive'),
  to: z.string().describe('ISO 8601, exclusive'),
  timezone: z.string(),
});
export const toRangeView = (range: ResolvedRange) => ({
  from: new Date(range.fromMs).toISOString(),
  to: new Date(range.toMs).toISOString(),
  timezone: range.timezone,
});
