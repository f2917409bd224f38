import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { DateTime, IANAZone } from 'luxon';
import { readWall } from './wall-time.ts';
import { isValidZone, zoneMessage } from './zone.ts';

export { isValidZone } from './zone.ts';

type Field = 'from' | 'to';
type Bound = { kind: 'instant'; at: number } | { kind: 'date'; wall: number } | { kind: 'invalid'; message: string };

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::(\d{2})(?:\.(\d+))?)?(?:Z|[+-]\d{2}:\d{2})$/;
const FORMAT =
  'must be a date (YYYY-MM-DD) or an ISO 8601 date-time with an offset or Z, e.g. 2026-03-08T09:00:00-05:00';
// The finest rollup is per minute, so a bound inside a minute could not be answered exactly.
const WHOLE_MINUTE = 'must be on a whole minute (seconds 0): data is kept per minute';

/**
 * from/to as given by a client: a date 'YYYY-MM-DD' (local to the zone; `to` inclusive: the range
 * ends at the next local midnight) or an ISO 8601 datetime with offset or Z. Returns [fromMs, toMs).
 * Missing `to` is now, missing `from` is the beginning (epoch 0). Every bad field is one issue of a
 * single VALIDATION_ERROR.
 */
export function resolveDateRange(
  range: { from?: string | undefined; to?: string | undefined },
  zone: string,
  now: number,
): { fromMs: number; toMs: number } {
  const issues: FieldIssue[] = [];
  const zoneOk = isValidZone(zone);
  if (!zoneOk) issues.push({ path: 'timezone', message: zoneMessage });
  const resolve = (field: Field, value: string | undefined, fallback: number): number | undefined => {
    if (value === undefined) return fallback;
    const bound = parseBound(value);
    if (bound.kind === 'invalid') issues.push({ path: field, message: bound.message });
    if (bound.kind === 'instant') return bound.at;
    if (bound.kind !== 'date' || !zoneOk) return undefined;
    // A local day starts at the first instant its date is on the clock (after a skipped midnight too).
    return readWall(IANAZone.create(zone), field === 'to' ? bound.wall + DAY_MS : bound.wall).first;
  };
  const fromMs = resolve('from', range.from, 0);
  const toMs = resolve('to', range.to, now);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
    issues.push(
      range.to === undefined
        ? { path: 'from', message: 'must be before now (the range ends now when to is not given)' }
        : { path: 'to', message: 'must be after from' },
    );
  if (issues.length > 0 || fromMs === undefined || toMs === undefined)
    throw new ValidationError(`Invalid date range: ${issues.map((issue) => issue.path).join(', ')}`, issues);
  return { fromMs, toMs };
}

function parseBound(value: string): Bound {
  if (DATE.test(value)) {
    const date = DateTime.fromISO(value, { zone: 'UTC' });
    return date.isValid ? { kind: 'date', wall: date.toMillis() } : { kind: 'invalid', message: FORMAT };
  }
  const parts = DATE_TIME.exec(value);
  const instant = parts ? DateTime.fromISO(value, { setZone: true }) : undefined;
  if (!parts || !instant?.isValid) return { kind: 'invalid', message: FORMAT };
  const [, seconds = '00', fraction = '0'] = parts;
  if (seconds !== '00' || !/^0+$/.test(fraction)) return { kind: 'invalid', message: WHOLE_MINUTE };
  return { kind: 'instant', at: instant.toMillis() };
}
