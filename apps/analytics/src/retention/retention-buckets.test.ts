import { describe, expect, it } from 'vitest';
import { bucketSeries, bucketStart } from '../time/buckets.ts';
import { bucketIndex, type RetentionInterval } from './retention-buckets.ts';

const TEN_MINUTES = 600_000;

/** The slow definition: the position of bucketStart(at) in the series. */
function expectedIndexes(fromMs: number, toMs: number, interval: RetentionInterval, zone: string): number[] {
  const starts = bucketSeries(fromMs, toMs, interval, zone);
  const indexes: number[] = [];
  for (let at = fromMs; at < toMs; at += TEN_MINUTES) indexes.push(starts.indexOf(bucketStart(at, interval, zone)));
  return indexes;
}

function actualIndexes(fromMs: number, toMs: number, interval: RetentionInterval, zone: string): number[] {
  const index = bucketIndex(fromMs, toMs, interval, zone);
  const indexes: number[] = [];
  for (let at = fromMs; at < toMs; at += TEN_MINUTES) indexes.push(index.indexOf(at));
  return indexes;
}

describe('bucketIndex', () => {
  // Havana's clocks go back from 01:00 to 00:00 on 2026-11-01: that local midnight happens twice,
  // and date_trunc starts the day at the second one, an hour after its earliest instant.
  const cases: [string, string, string, RetentionInterval][] = [
    ['America/Havana', '2026-10-25T04:00:00Z', '2026-11-08T05:00:00Z', 'day'],
    ['America/New_York', '2026-03-01T05:00:00Z', '2026-03-20T04:00:00Z', 'day'],
    ['America/New_York', '2026-10-25T04:00:00Z', '2026-11-15T05:00:00Z', 'week'],
    ['Asia/Kolkata', '2026-01-25T00:00:00Z', '2026-03-05T00:00:00Z', 'month'],
  ];
  it.each(cases)('numbers every instant as bucketStart does in %s from %s (%s)', (zone, from, to, interval) => {
    const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
    expect(actualIndexes(fromMs, toMs, interval, zone)).toEqual(expectedIndexes(fromMs, toMs, interval, zone));
  });

  it('starts at 0 in the bucket of the range start and labels buckets by their local start', () => {
    const index = bucketIndex(
      Date.parse('2026-11-30T20:00:00Z'),
      Date.parse('2026-12-03T18:30:00Z'),
      'day',
      'Asia/Kolkata',
    );
    expect(index.indexOf(Date.parse('2026-11-30T20:00:00Z'))).toBe(0);
    expect(index.indexOf(Date.parse('2026-12-01T18:29:59Z'))).toBe(0);
    expect(index.indexOf(Date.parse('2026-12-01T18:30:00Z'))).toBe(1);
    expect(index.labelOf(0)).toBe('2026-12-01T00:00:00+05:30');
    expect(index.labelOf(2)).toBe('2026-12-03T00:00:00+05:30');
  });
});
