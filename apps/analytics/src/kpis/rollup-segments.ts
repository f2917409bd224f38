const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A half-open range [start, end) in epoch ms; empty when start >= end. */
export type Segment = readonly [start: number, end: number];

/** Which part of a range each rollup covers: two edges of minutes, two of hours, the days between. */
export interface RollupSegments {
  readonly minutes: readonly [Segment, Segment];
  readonly hours: readonly [Segment, Segment];
  readonly days: Segment;
}

const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const NONE: Segment = [0, 0];

/**
 * Splits [fromMs, toMs) (whole minutes) into UTC-aligned pieces so a sum over it reads as few
 * rollup rows as possible: whole days from metric_days, the whole hours around them from
 * metric_hours, the minutes at the edges from metric_minutes. The pieces never overlap and
 * together cover the range exactly.
 */
export function rollupSegments(fromMs: number, toMs: number): RollupSegments {
  const h1 = ceilTo(fromMs, HOUR);
  const h2 = floorTo(toMs, HOUR);
  if (h1 >= h2) return { minutes: [[fromMs, toMs], NONE], hours: [NONE, NONE], days: NONE };
  const d1 = ceilTo(h1, DAY);
  const d2 = floorTo(h2, DAY);
  const minutes: [Segment, Segment] = [
    [fromMs, h1],
    [h2, toMs],
  ];
  if (d1 >= d2) return { minutes, hours: [[h1, h2], NONE], days: NONE };
  return {
    minutes,
    hours: [
      [h1, d1],
      [d2, h2],
    ],
    days: [d1, d2],
  };
}
