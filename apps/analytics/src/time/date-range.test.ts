import { ValidationError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { isValidZone, resolveDateRange } from './date-range.ts';

const NOW = Date.parse('2026-12-07T08:30:00Z');
const at = (iso: string) => Date.parse(iso);

function issuesOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION_ERROR');
    return (error as ValidationError).details.issues;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveDateRange', () => {
  it('reads dates as local days, to inclusive up to the next local midnight', () => {
    expect(resolveDateRange({ from: '2026-03-01', to: '2026-03-31' }, 'America/New_York', NOW)).toEqual({
      fromMs: at('2026-03-01T05:00:00Z'),
      toMs: at('2026-04-01T04:00:00Z'),
    });
  });

  it('gives the day summer time starts 23 hours and the day it ends 25', () => {
    const spring = resolveDateRange({ from: '2026-03-08', to: '2026-03-08' }, 'America/New_York', NOW);
    const autumn = resolveDateRange({ from: '2026-11-01', to: '2026-11-01' }, 'America/New_York', NOW);
    expect((spring.toMs - spring.fromMs) / 3_600_000).toBe(23);
    expect((autumn.toMs - autumn.fromMs) / 3_600_000).toBe(25);
  });

  it('starts a day whose midnight was skipped when its clock starts', () => {
    const { fromMs } = resolveDateRange({ from: '2018-11-04', to: '2018-11-04' }, 'America/Sao_Paulo', NOW);
    expect(fromMs).toBe(at('2018-11-04T03:00:00Z'));
  });

  it('reads date-times with an offset or Z as the instants they name', () => {
    expect(resolveDateRange({ from: '2026-11-01T01:30-05:00', to: '2026-11-01T07:00:00.000Z' }, 'UTC', NOW)).toEqual({
      fromMs: at('2026-11-01T06:30:00Z'),
      toMs: at('2026-11-01T07:00:00Z'),
    });
  });

  it('defaults from to the beginning and to to now', () => {
    expect(resolveDateRange({}, 'Asia/Kolkata', NOW)).toEqual({ fromMs: 0, toMs: NOW });
    expect(resolveDateRange({ from: '2026-12-01' }, 'Asia/Kolkata', NOW)).toEqual({
      fromMs: at('2026-11-30T18:30:00Z'),
      toMs: NOW,
    });
  });

  it('refuses to before from, naming to', () => {
    expect(issuesOf(() => resolveDateRange({ from: '2026-03-02', to: '2026-03-01' }, 'UTC', NOW))).toEqual([
      { path: 'to', message: 'must be after from' },
    ]);
    expect(issuesOf(() => resolveDateRange({ from: '2027-01-01' }, 'UTC', NOW))).toEqual([
      { path: 'from', message: expect.stringContaining('before now') },
    ]);
  });

  it('refuses a date-time off the whole minute', () => {
    for (const to of ['2026-03-01T10:00:30Z', '2026-03-01T10:00:00.5Z'])
      expect(issuesOf(() => resolveDateRange({ to }, 'UTC', NOW))).toEqual([
        { path: 'to', message: expect.stringContaining('whole minute') },
      ]);
  });

  it('lists every bad field at once', () => {
    const bad = { from: '2026-02-30', to: '2026-03-01T10:00' };
    expect(issuesOf(() => resolveDateRange(bad, 'Mars/Olympus', NOW))).toEqual([
      { path: 'timezone', message: expect.stringContaining('IANA') },
      { path: 'from', message: expect.stringContaining('YYYY-MM-DD') },
      { path: 'to', message: expect.stringContaining('offset') },
    ]);
  });

  it('refuses what is not a date or date-time', () => {
    for (const from of ['', 'yesterday', '2026-3-1', '2026-03-01 10:00Z', '2026-03-01T25:00Z', '1735689600000'])
      expect(issuesOf(() => resolveDateRange({ from }, 'UTC', NOW))).toEqual([
        { path: 'from', message: expect.any(String) },
      ]);
  });
});

describe('isValidZone', () => {
  it('accepts IANA Area/Location names and UTC', () => {
    for (const zone of ['UTC', 'Europe/London', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
      expect(isValidZone(zone)).toBe(true);
  });

  it('refuses unknown names and names PostgreSQL reads otherwise (abbreviations, POSIX offsets)', () => {
    for (const zone of ['Mars/Olympus', 'CET', 'EST', '+05:00', 'UTC+5', 'utc', ''])
      expect(isValidZone(zone)).toBe(false);
  });
});
