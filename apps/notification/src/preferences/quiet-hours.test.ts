import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { inQuietWindow, quietHoursEnd, quietHoursZone, type QuietHours } from './quiet-hours.ts';

const at = (iso: string) => new Date(iso);
const end = (now: string, quietHours: QuietHours | null, fallbackZone: string | null = null) =>
  quietHoursEnd(at(now), quietHours, fallbackZone)?.toISOString() ?? null;

describe('quietHoursEnd', () => {
  const night = { start: '22:00', end: '07:00', timezone: 'Europe/Berlin' };

  it('is null outside the window, without a window, and for a window of no length', () => {
    expect(end('2025-06-10T10:00:00Z', night)).toBeNull();
    expect(end('2025-06-10T10:00:00Z', null)).toBeNull();
    expect(end('2025-06-10T10:00:00Z', { start: '09:00', end: '09:00' })).toBeNull();
  });

  it('crosses midnight: before midnight it ends the next morning, after midnight the same morning', () => {
    // Berlin is UTC+2 in June: 23:30 local on the 10th, then 01:15 local on the 11th.
    expect(end('2025-06-10T21:30:00Z', night)).toBe('2025-06-11T05:00:00.000Z');
    expect(end('2025-06-10T23:15:00Z', night)).toBe('2025-06-11T05:00:00.000Z');
  });

  it('starts at start (inclusive) and is over at end (exclusive)', () => {
    expect(end('2025-06-10T20:00:00Z', night)).toBe('2025-06-11T05:00:00.000Z');
    expect(end('2025-06-11T05:00:00Z', night)).toBeNull();
    expect(end('2025-06-11T04:59:59.999Z', night)).toBe('2025-06-11T05:00:00.000Z');
  });

  it('a window inside one day ends the same day', () => {
    expect(end('2025-06-10T12:30:00Z', { start: '12:00', end: '14:00' })).toBe('2025-06-10T14:00:00.000Z');
  });

  it('on the night clocks go forward (Berlin, 30 March 2025) the window is an hour shorter', () => {
    // 23:00 CET (UTC+1) on the 29th; 07:00 CEST (UTC+2) on the 30th is 05:00Z: 6 hours, not 7.
    expect(end('2025-03-29T22:00:00Z', night)).toBe('2025-03-30T05:00:00.000Z');
  });

  it('on the night clocks go back (Berlin, 26 October 2025) the window is an hour longer', () => {
    // 23:00 CEST (UTC+2) on the 25th; 07:00 CET (UTC+1) on the 26th is 06:00Z: 9 hours.
    expect(end('2025-10-25T21:00:00Z', night)).toBe('2025-10-26T06:00:00.000Z');
  });

  it('an end the clocks skip (02:30 on 30 March in Berlin) ends the window when they jump', () => {
    const window = { start: '01:00', end: '02:30', timezone: 'Europe/Berlin' };
    // 01:30 CET = 00:30Z; at 01:00Z the clocks go from 02:00 CET to 03:00 CEST.
    expect(end('2025-03-30T00:30:00Z', window)).toBe('2025-03-30T01:00:00.000Z');
  });

  it('a window whose whole outside the clocks skip lasts until its end on the next day', () => {
    const window = { start: '02:01', end: '02:00', timezone: 'Europe/Berlin' };
    // 01:59 CET on 30 March; 02:00 never comes that night, 02:00 CEST on the 31st is 00:00Z.
    expect(end('2025-03-30T00:59:00Z', window)).toBe('2025-03-31T00:00:00.000Z');
  });

  it('an end the clocks repeat ends at its first occurrence, or at the second when now is in the repeated hour', () => {
    const window = { start: '22:00', end: '02:30', timezone: 'Europe/Berlin' };
    // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) on 26 October 2025.
    expect(end('2025-10-26T00:10:00Z', window)).toBe('2025-10-26T00:30:00.000Z');
    expect(end('2025-10-26T01:10:00Z', window)).toBe('2025-10-26T01:30:00.000Z');
  });

  it("reads the window in its own zone, else the recipient's, else UTC", () => {
    const window = { start: '22:00', end: '07:00' };
    // 23:00Z: quiet in UTC and in London (BST, 00:00), not in New York (19:00 EDT).
    expect(end('2025-06-10T23:00:00Z', window)).toBe('2025-06-11T07:00:00.000Z');
    expect(end('2025-06-10T23:00:00Z', window, 'America/New_York')).toBeNull();
    expect(end('2025-06-10T23:00:00Z', window, 'Europe/London')).toBe('2025-06-11T06:00:00.000Z');
    expect(end('2025-06-10T23:00:00Z', { ...window, timezone: 'America/New_York' }, 'Europe/London')).toBeNull();
    expect(quietHoursZone(window, 'Not/AZone')).toBe('UTC');
  });
});

const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Antarctica/Troll',
];
// Days with clock changes in these zones, so instants near a transition come up often.
const transitions = [
  '2025-03-30T01:00:00Z',
  '2025-10-26T01:00:00Z',
  '2025-03-09T07:00:00Z',
  '2025-11-02T06:00:00Z',
  '2025-04-05T15:00:00Z',
  '2025-10-04T15:30:00Z',
  '2025-04-05T14:00:00Z',
  '2025-09-27T14:00:00Z',
  '2025-04-06T03:00:00Z',
  '2025-09-07T04:00:00Z',
].map((iso) => Date.parse(iso));
const hour = 3_600_000;
const instant = fc.oneof(
  fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') }),
  fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -30 * hour, max: 30 * hour })).map(([t, d]) => t + d),
);
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

describe('quietHoursEnd (any window, zone and instant)', () => {
  it('is after now, a day (and a clock change) later at most, outside the window, and inside it just before', () =>
    fc.assert(
      fc.property(instant, time, time, fc.constantFrom(...zones), (millis, start, finish, timezone) => {
        const window = { start, end: finish, timezone };
        const now = new Date(millis);
        const result = quietHoursEnd(now, window, null);
        const minute = (t: Date) => {
          const local = DateTime.fromJSDate(t, { zone: timezone });
          return local.hour * 60 + local.minute;
        };
        const [s, e] = [start, finish].map((hm) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3)));
        const quiet = (t: Date) => s !== e && inQuietWindow(minute(t), s!, e!);
        if (result === null) {
          expect(quiet(now)).toBe(false);
          return;
        }
        const offsetChange = Math.abs(
          DateTime.fromJSDate(result, { zone: timezone }).offset - DateTime.fromJSDate(now, { zone: timezone }).offset,
        );
        // When the clocks skip all of the time outside the window (at most 2 h in these zones), the
        // window runs on to its end on the next day.
        const skippable = (s! - e! + 24 * 60) % (24 * 60) <= 120;
        expect(result.getTime()).toBeGreaterThan(now.getTime());
        expect(result.getTime() - now.getTime()).toBeLessThanOrEqual(
          (skippable ? 48 : 24) * hour + offsetChange * 60_000,
        );
        expect(quiet(result)).toBe(false);
        expect(quiet(new Date(result.getTime() - 1))).toBe(true);
      }),
      { numRuns: 2000 },
    ));
});
