import { afterAll, beforeAll, describe, it } from 'vitest';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { queryFeature } from './query.routes.ts';
import { labelAt, leadCreated, postQuery, publishAll, queryOnceProjected } from './query-test-events.ts';

const HOUR = 3_600_000;
const utcHours = (first: string, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(first) + i * HOUR));

describe('POST /query buckets in a time zone', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [queryFeature] });
  });
  afterAll(async () => t?.close());

  /** Hourly counts of one New York day; the as-of path must give exactly the same answer. */
  async function newYorkDay(date: string, events: Date[], inDay: number) {
    const caller = await tenantCaller(t.key);
    await publishAll(
      t,
      events.map((at) => leadCreated(caller.tenantId, at)),
    );
    const body = {
      metrics: ['events', 'leadsCreated'],
      interval: 'hour',
      dateRange: { from: date, to: date },
      timezone: 'America/New_York',
    };
    const answer = await queryOnceProjected(t, caller, inDay, body);
    const asOf = await postQuery(t, caller, { ...body, asOfPosition: answer.asOfPosition });
    expect(asOf.json()).toEqual(answer);
    return answer as {
      results: { bucket: string; metrics: { events: number; leadsCreated: number } }[];
      buckets: string[];
    };
  }

  it('spring forward: 2026-03-08 has 23 hourly buckets, 03:00 EDT right after 01:00 EST, each counted', async () => {
    // One event at :17 of every UTC hour from local 23:17 the day before to 00:17 the day after,
    // and two more at 07:40Z (03:40 EDT).
    const hours = utcHours('2026-03-08T04:17:00Z', 25);
    const extra = [new Date('2026-03-08T07:40:00Z'), new Date('2026-03-08T07:59:00Z')];
    const answer = await newYorkDay('2026-03-08', [...hours, ...extra], 25);

    const expected = utcHours('2026-03-08T05:00:00Z', 23).map((at) =>
      labelAt(at.toISOString(), at < new Date('2026-03-08T07:00:00Z') ? -5 : -4),
    );
    expect(answer.buckets).toEqual(expected);
    expect(expected.slice(0, 3)).toEqual([
      '2026-03-08T00:00:00-05:00',
      '2026-03-08T01:00:00-05:00',
      '2026-03-08T03:00:00-04:00',
    ]);
    expect(answer.results.map((r) => r.bucket)).toEqual(expected);
    expect(answer.results.map((r) => r.metrics.events)).toEqual(expected.map((_, i) => (i === 2 ? 3 : 1)));
    expect(answer.results.every((r) => r.metrics.leadsCreated === r.metrics.events)).toBe(true);
  });

  it('fall back: 2026-11-01 has 25 hourly buckets, the two 01:00 buckets (-04:00, -05:00) each with its own count', async () => {
    const hours = utcHours('2026-11-01T03:17:00Z', 27);
    const extra = [new Date('2026-11-01T06:05:00Z'), new Date('2026-11-01T06:59:00Z')];
    const answer = await newYorkDay('2026-11-01', [...hours, ...extra], 27);

    const expected = utcHours('2026-11-01T04:00:00Z', 25).map((at) =>
      labelAt(at.toISOString(), at < new Date('2026-11-01T06:00:00Z') ? -4 : -5),
    );
    expect(answer.buckets).toEqual(expected);
    const counts = Object.fromEntries(answer.results.map((r) => [r.bucket, r.metrics.events]));
    expect(counts['2026-11-01T01:00:00-04:00']).toBe(1);
    expect(counts['2026-11-01T01:00:00-05:00']).toBe(3);
    expect(answer.results.map((r) => r.bucket)).toEqual(expected);
    expect(answer.results.map((r) => r.metrics.events)).toEqual(expected.map((_, i) => (i === 2 ? 3 : 1)));
  });

  it('day buckets of a week in Asia/Kolkata start at local midnight (18:30Z), empty days as zeros', async () => {
    const caller = await tenantCaller(t.key);
    const at = [
      '2026-11-15T18:29:00Z', // 23:59 on the 15th: before the range
      '2026-11-15T18:30:00Z', // 00:00 on the 16th
      '2026-11-16T18:29:00Z', // 23:59 on the 16th
      '2026-11-16T18:30:00Z', // 00:00 on the 17th
      '2026-11-20T12:00:00Z', // 17:30 on the 20th
      '2026-11-22T18:30:00Z', // 00:00 on the 23rd: after the range
    ];
    await publishAll(
      t,
      at.map((iso) => leadCreated(caller.tenantId, new Date(iso))),
    );
    const body = {
      metrics: ['events'],
      interval: 'day',
      dateRange: { from: '2026-11-16', to: '2026-11-22' },
      timezone: 'Asia/Kolkata',
    };
    const answer = await queryOnceProjected(t, caller, 4, body);
    const days = ['16', '17', '18', '19', '20', '21', '22'].map((d) => `2026-11-${d}T00:00:00+05:30`);
    expect(answer.buckets).toEqual(days);
    expect(answer.results).toEqual(
      days.map((bucket, i) => ({ bucket, dimensions: {}, metrics: { events: [2, 1, 0, 0, 1, 0, 0][i] } })),
    );
    expect(answer.range).toEqual({
      from: '2026-11-15T18:30:00.000Z',
      to: '2026-11-22T18:30:00.000Z',
      timezone: 'Asia/Kolkata',
    });
    const asOf = await postQuery(t, caller, { ...body, asOfPosition: answer.asOfPosition });
    expect(asOf.json()).toEqual(answer);
  });
});
