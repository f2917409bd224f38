import { ValidationError } from '@bizosaas/ddd-kernel';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, bucketLabel, bucketSeries, bucketStart, type Interval } from './buckets.ts';

const NEW_YORK = 'America/New_York';
const LORD_HOWE = 'Australia/Lord_Howe';
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const localMidnight = (date: string, zone: string) => DateTime.fromISO(date, { zone }).toMillis();
const labels = (starts: number[], zone: string) => starts.map((start) => bucketLabel(start, zone));

function localDay(date: string, zone: string, interval: Interval): number[] {
  const from = localMidnight(date, zone);
  return bucketSeries(from, DateTime.fromMillis(from, { zone }).plus({ days: 1 }).toMillis(), interval, zone);
}

function validationIssues(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details.issues;
  }
  throw new Error('expected a ValidationError');
}

describe('hour buckets across summer time in America/New_York', () => {
  it('uses the 2026 change dates (checked with luxon)', () => {
    expect(DateTime.fromISO('2026-03-08T01:59', { zone: NEW_YORK }).offset).toBe(-300);
    expect(DateTime.fromISO('2026-03-08T03:00', { zone: NEW_YORK }).offset).toBe(-240);
    expect(DateTime.fromISO('2026-11-01T00:59', { zone: NEW_YORK }).offset).toBe(-240);
    expect(DateTime.fromISO('2026-11-01T02:00', { zone: NEW_YORK }).offset).toBe(-300);
  });

  it('gives a day without summer time 24 hours', () => {
    expect(localDay('2026-03-07', NEW_YORK, 'hour')).toHaveLength(24);
  });

  it('gives 2026-03-08 23 real hours: 02:00 never happened', () => {
    const starts = localDay('2026-03-08', NEW_YORK, 'hour');
    expect(starts).toHaveLength(23);
    expect(labels(starts, NEW_YORK).slice(1, 3)).toEqual(['2026-03-08T01:00:00-05:00', '2026-03-08T03:00:00-04:00']);
    expect(new Set(starts.slice(1).map((start, i) => start - (starts[i] ?? 0)))).toEqual(new Set([HOUR]));
  });

  it('gives 2026-11-01 25 real hours: the repeated 01:00 is two buckets told apart by offset', () => {
    const starts = localDay('2026-11-01', NEW_YORK, 'hour');
    expect(starts).toHaveLength(25);
    expect(labels(starts, NEW_YORK).slice(0, 4)).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T02:00:00-05:00',
    ]);
    expect(bucketStart(at('2026-11-01T05:59:00Z'), 'hour', NEW_YORK)).toBe(at('2026-11-01T05:00:00Z'));
    expect(bucketStart(at('2026-11-01T06:00:00Z'), 'hour', NEW_YORK)).toBe(at('2026-11-01T06:00:00Z'));
  });

  it('puts every minute of the changing days in a bucket of the series', () => {
    for (const date of ['2026-03-08', '2026-11-01']) {
      const from = localMidnight(date, NEW_YORK);
      const to = from + 26 * HOUR;
      const series = new Set(bucketSeries(from, to, 'hour', NEW_YORK));
      for (let minute = from; minute < to; minute += 60_000)
        expect(series.has(bucketStart(minute, 'hour', NEW_YORK))).toBe(true);
    }
  });
});

describe('zones off the whole hour', () => {
  it('starts Asia/Kolkata (+05:30) hour buckets at half past the UTC hour', () => {
    expect(bucketStart(at('2026-05-01T10:10:00Z'), 'hour', 'Asia/Kolkata')).toBe(at('2026-05-01T09:30:00Z'));
    const starts = bucketSeries(at('2026-05-01T00:00:00Z'), at('2026-05-02T00:00:00Z'), 'hour', 'Asia/Kolkata');
    expect(starts).toHaveLength(25);
    expect(starts.every((start) => new Date(start).getUTCMinutes() === 30)).toBe(true);
  });

  it('gives Australia/Lord_Howe days of 24.5 and 23.5 hours where the clock moves by 30 minutes', () => {
    const autumn = localDay('2026-04-05', LORD_HOWE, 'day');
    expect(labels(autumn, LORD_HOWE)).toEqual(['2026-04-05T00:00:00+11:00']);
    const days = bucketSeries(at('2026-04-02T12:00:00Z'), at('2026-10-06T12:00:00Z'), 'day', LORD_HOWE);
    const lengths = days.slice(1).map((start, i) => (start - (days[i] ?? 0)) / HOUR);
    expect(lengths.filter((hours) => hours !== 24)).toEqual([24.5, 23.5]);
    expect(labels(days, LORD_HOWE).every((label) => label.includes('T00:00:00+'))).toBe(true);
    expect(bucketStart(at('2026-04-05T13:00:00Z'), 'day', LORD_HOWE)).toBe(at('2026-04-04T13:00:00Z'));
  });
});

describe('UTC, months and weeks', () => {
  it('truncates in UTC like the calendar', () => {
    const instant = at('2026-12-07T08:47:31.250Z');
    expect(bucketStart(instant, 'minute', 'UTC')).toBe(at('2026-12-07T08:47:00Z'));
    expect(bucketStart(instant, 'hour', 'UTC')).toBe(at('2026-12-07T08:00:00Z'));
    expect(bucketStart(instant, 'day', 'UTC')).toBe(at('2026-12-07T00:00:00Z'));
    expect(bucketStart(instant, 'month', 'UTC')).toBe(at('2026-12-01T00:00:00Z'));
    expect(bucketLabel(at('2026-12-07T08:00:00Z'), 'UTC')).toBe('2026-12-07T08:00:00+00:00');
  });

  it('gives a year twelve month buckets whose offsets follow summer time', () => {
    const from = localMidnight('2026-01-01', NEW_YORK);
    const months = bucketSeries(from, localMidnight('2027-01-01', NEW_YORK), 'month', NEW_YORK);
    expect(labels(months, NEW_YORK)).toEqual(
      Array.from({ length: 12 }, (_, i) => {
        const month = String(i + 1).padStart(2, '0');
        return `2026-${month}-01T00:00:00${i >= 3 && i <= 10 ? '-04:00' : '-05:00'}`;
      }),
    );
  });

  it('starts weeks on Monday (ISO), also across a year end', () => {
    expect(bucketLabel(bucketStart(at('2026-03-08T16:00:00Z'), 'week', NEW_YORK), NEW_YORK)).toBe(
      '2026-03-02T00:00:00-05:00',
    );
    expect(bucketStart(at('2027-01-01T12:00:00Z'), 'week', 'UTC')).toBe(at('2026-12-28T00:00:00Z'));
    const weeks = bucketSeries(at('2026-12-01T00:00:00Z'), at('2027-02-01T00:00:00Z'), 'week', NEW_YORK);
    // 2026-12-01T00:00Z is Monday 2026-11-30 in New York; 2027-02-01T00:00Z is still January 31.
    expect(weeks).toHaveLength(9);
    expect(bucketLabel(weeks[0] ?? 0, NEW_YORK)).toBe('2026-11-30T00:00:00-05:00');
    expect(weeks.every((start) => DateTime.fromMillis(start, { zone: NEW_YORK }).weekday === 1)).toBe(true);
  });
});

describe('where a local midnight is missing or repeated (PostgreSQL takes the later reading)', () => {
  it('starts America/Sao_Paulo 2018-11-04 at 01:00, its midnight having been skipped', () => {
    expect(bucketStart(at('2018-11-04T12:00:00Z'), 'day', 'America/Sao_Paulo')).toBe(at('2018-11-04T03:00:00Z'));
  });

  it('starts America/Havana 2026-11-01 at the second midnight, after the first hour of the day', () => {
    expect(bucketStart(at('2026-11-01T04:30:00Z'), 'day', 'America/Havana')).toBe(at('2026-11-01T05:00:00Z'));
    const days = bucketSeries(at('2026-11-01T04:30:00Z'), at('2026-11-01T04:40:00Z'), 'day', 'America/Havana');
    expect(days).toEqual([at('2026-11-01T05:00:00Z')]);
  });

  it('has no bucket for Pacific/Apia 2011-12-30, a day that never happened', () => {
    const days = bucketSeries(at('2011-12-29T10:00:00Z'), at('2011-12-31T10:00:00Z'), 'day', 'Pacific/Apia');
    expect(labels(days, 'Pacific/Apia')).toEqual(['2011-12-29T00:00:00-10:00', '2011-12-31T00:00:00+14:00']);
  });
});

describe('bucketSeries bounds', () => {
  it('starts at the bucket holding fromMs and stops before toMs', () => {
    const starts = bucketSeries(at('2026-12-07T08:47:00Z'), at('2026-12-07T11:00:00Z'), 'hour', 'UTC');
    expect(starts).toEqual([at('2026-12-07T08:00:00Z'), at('2026-12-07T09:00:00Z'), at('2026-12-07T10:00:00Z')]);
    expect(bucketSeries(at('2026-12-07T11:00:00Z'), at('2026-12-07T11:00:00Z'), 'hour', 'UTC')).toEqual([]);
  });

  it(`allows ${MAX_BUCKETS} buckets and refuses more, naming interval`, () => {
    const from = at('2026-01-01T00:00:00Z');
    expect(bucketSeries(from, from + MAX_BUCKETS * 60_000, 'minute', 'UTC')).toHaveLength(MAX_BUCKETS);
    expect(validationIssues(() => bucketSeries(from, from + (MAX_BUCKETS + 1) * 60_000, 'minute', 'UTC'))).toEqual([
      { path: 'interval', message: expect.stringContaining(`more than ${MAX_BUCKETS} minute buckets`) },
    ]);
  });

  it('refuses an unknown or ambiguous zone, naming timezone', () => {
    for (const zone of ['Mars/Olympus', 'CET', '+05:00', ''])
      expect(validationIssues(() => bucketStart(0, 'day', zone))).toEqual([
        { path: 'timezone', message: expect.any(String) },
      ]);
  });

  it('refuses bounds that are not finite', () => {
    expect(validationIssues(() => bucketSeries(Number.NaN, Infinity, 'day', 'UTC'))).toEqual([
      { path: 'from', message: expect.any(String) },
      { path: 'to', message: expect.any(String) },
    ]);
  });
});
