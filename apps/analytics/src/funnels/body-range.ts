import { ValidationError } from '@bizosaas/ddd-kernel';
import type { ResolvedRange } from '../kpis/range-query.ts';
import { isValidZone, resolveDateRange } from '../time/date-range.ts';
import { zoneMessage } from '../time/zone.ts';

/**
 * The range of a query body ({ dateRange: { from, to }, timezone }): as the KPI route resolves its
 * query parameters, with the problems named where they are in the body (dateRange.from, timezone).
 */
export function resolveBodyRange(
  body: { dateRange: { from?: string | undefined; to?: string | undefined }; timezone: string },
  now: Date,
): ResolvedRange {
  if (!isValidZone(body.timezone))
    throw new ValidationError('timezone must be an IANA time zone name', [
      { path: 'timezone', message: zoneMessage, location: 'body' },
    ]);
  try {
    return { ...resolveDateRange(body.dateRange, body.timezone, now.getTime()), timezone: body.timezone };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = (error.details.issues as { path: string; message: string }[]).map((issue) => ({
      path: `dateRange.${issue.path}`,
      message: issue.message,
      location: 'body' as const,
    }));
    throw new ValidationError(error.message, issues);
  }
}
