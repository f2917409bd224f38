import { bucketLabel, bucketSeries, bucketStart } from '../time/buckets.ts';

export type RetentionInterval = 'day' | 'week' | 'month';

/** Buckets of a range in a zone, numbered from 0 at the bucket holding the range start. */
export interface BucketIndex {
  /** Index of the bucket holding the instant (epoch ms, within the range). */
  indexOf: (at: number) => number;
  /** Label of the bucket: its start, ISO 8601 local with offset (as the query API's buckets). */
  labelOf: (index: number) => string;
}

// Every clock change there has been moves a bucket's earliest instant at most this far from its
// start (the instant date_trunc gives; they differ when local midnight happens twice).
const MAX_SHIFT_MS = 3 * 3_600_000;

/**
 * Bucket numbers of [fromMs, toMs) agreeing with bucketStart (and so with PostgreSQL's date_trunc):
 * the index is the bucket start's position in bucketSeries. A binary search over the starts decides
 * every instant away from a boundary; only instants near one take the slower exact bucketStart.
 */
export function bucketIndex(fromMs: number, toMs: number, interval: RetentionInterval, zone: string): BucketIndex {
  const starts = bucketSeries(fromMs, toMs, interval, zone);
  const positions = new Map(starts.map((start, index) => [start, index]));
  return {
    indexOf: (at) => {
      const i = lastAtOrBefore(starts, at);
      const near = (start: number | undefined) => start !== undefined && Math.abs(at - start) <= MAX_SHIFT_MS;
      if (!near(starts[i]) && !near(starts[i + 1])) return i;
      return positions.get(bucketStart(at, interval, zone)) ?? i;
    },
    labelOf: (index) => bucketLabel(starts[index] ?? Number.NaN, zone),
  };
}

/** Index of the last sorted value at or before `at`; 0 when none is. */
function lastAtOrBefore(sorted: readonly number[], at: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((sorted[middle] ?? Infinity) <= at) low = middle;
    else high = middle - 1;
  }
  return low;
}
