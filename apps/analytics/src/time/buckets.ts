import { ValidationError } from '@bizosaas/ddd-kernel';
import { DateTime, type IANAZone } from 'luxon';
import { ianaZone } from './zone.ts';
import { firstOffsetChange, offsetAt, readWall, wallAt } from './wall-time.ts';

export type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';

/** Past this many buckets a series is refused: a chart or a report of more says nothing more. */
export const MAX_BUCKETS = 5000;

const DAY_MS = 86_400_000;
const CLOCK_UNIT_MS = { minute: 60_000, hour: 3_600_000 } as const;

type ClockInterval = keyof typeof CLOCK_UNIT_MS;
type CalendarInterval = Exclude<Interval, ClockInterval>;

const isClock = (interval: Interval): interval is ClockInterval => interval === 'minute' || interval === 'hour';
const floorTo = (value: number, unit: number) => value - (((value % unit) + unit) % unit);

/**
 * Start (epoch ms) of the bucket holding `at`, in the zone: exactly what PostgreSQL's
 * date_trunc(interval, ts, zone) returns (weeks start Monday, ISO).
 */
export function bucketStart(at: number, interval: Interval, zone: string): number {
  const tz = ianaZone(zone);
  if (isClock(interval)) return clockBucketStart(tz, at, CLOCK_UNIT_MS[interval]);
  return readWall(tz, calendarKey(wallAt(tz, at), interval)).postgres;
}

/**
 * Every bucket start from the one holding `fromMs` up to (excluding) `toMs`, in order; empty
 * buckets included. Exactly the buckets holding an instant of [fromMs, toMs), so every group a
 * `date_trunc` query over that range can return has its place (a local day that never happened,
 * as in Pacific/Apia on 2011-12-30, has none).
 */
export function bucketSeries(fromMs: number, toMs: number, interval: Interval, zone: string): number[] {
  const tz = ianaZone(zone);
  const issues = [
    ...(Number.isFinite(fromMs) ? [] : [{ path: 'from', message: 'must be a finite instant' }]),
    ...(Number.isFinite(toMs) ? [] : [{ path: 'to', message: 'must be a finite instant' }]),
  ];
  if (issues.length > 0) throw new ValidationError('The range has no finite bounds', issues);
  if (fromMs >= toMs) return [];
  const starts = new Set<number>();
  const add = (start: number) => {
    starts.add(start);
    if (starts.size > MAX_BUCKETS) throw tooManyBuckets(interval);
  };
  if (isClock(interval)) addClockBuckets(tz, fromMs, toMs, CLOCK_UNIT_MS[interval], add);
  else addCalendarBuckets(tz, fromMs, toMs, interval, add);
  return [...starts].sort((a, b) => a - b);
}

/**
 * Label of a bucket: ISO 8601 local time with offset, e.g. 2026-11-01T01:00:00-04:00 and
 * 2026-11-01T01:00:00-05:00 (the repeated hour differs by offset).
 */
export function bucketLabel(start: number, zone: string): string {
  const local = DateTime.fromMillis(start, { zone: ianaZone(zone) });
  return local.toISO({ suppressMilliseconds: true }) ?? String(start);
}

// PostgreSQL truncates minutes and hours keeping the offset the instant had (no new offset is
// looked up), so an hour bucket is a real hour: the repeated 01:00 is two buckets.
function clockBucketStart(zone: IANAZone, at: number, unit: number): number {
  const offset = offsetAt(zone, at);
  return floorTo(at + offset, unit) - offset;
}

// A bucket ends after one unit or where the offset changes, whichever comes first.
function addClockBuckets(zone: IANAZone, fromMs: number, toMs: number, unit: number, add: (start: number) => void) {
  let probe = fromMs;
  while (probe < toMs) {
    const offset = offsetAt(zone, probe);
    const start = floorTo(probe + offset, unit) - offset;
    add(start);
    const end = start + unit;
    probe = offsetAt(zone, end - 1) === offset ? end : firstOffsetChange(zone, probe, end - 1);
  }
}

// Days, weeks and months are local calendar keys; each bucket holds the instants from its key's
// first reading up to the next key's. A day that never happened reads as the next one's start, so
// the set keeps one bucket for both.
function addCalendarBuckets(
  zone: IANAZone,
  fromMs: number,
  toMs: number,
  interval: CalendarInterval,
  add: (start: number) => void,
) {
  let key = calendarKey(wallAt(zone, fromMs), interval);
  for (let reading = readWall(zone, key); reading.first < toMs; reading = readWall(zone, key)) {
    add(reading.postgres);
    key = followingKey(key, interval);
  }
}

function calendarKey(wall: number, interval: CalendarInterval): number {
  const day = floorTo(wall, DAY_MS);
  if (interval === 'day') return day;
  const date = new Date(day);
  // ISO weeks start on Monday; getUTCDay counts from Sunday.
  if (interval === 'week') return day - ((date.getUTCDay() + 6) % 7) * DAY_MS;
  return firstOfMonth(date.getUTCFullYear(), date.getUTCMonth());
}

function followingKey(key: number, interval: CalendarInterval): number {
  if (interval === 'day') return key + DAY_MS;
  if (interval === 'week') return key + 7 * DAY_MS;
  const date = new Date(key);
  return firstOfMonth(date.getUTCFullYear(), date.getUTCMonth() + 1);
}

function firstOfMonth(year: number, month: number): number {
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, 1);
  return date.getTime();
}

function tooManyBuckets(interval: Interval): ValidationError {
  const message = `gives more than ${MAX_BUCKETS} ${interval} buckets over the range: choose a longer interval or a shorter range`;
  return new ValidationError(`Too many buckets`, [{ path: 'interval', message }]);
}
