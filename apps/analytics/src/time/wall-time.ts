import type { IANAZone } from 'luxon';

// A wall time is a local date and clock reading written as epoch ms of that reading taken as UTC,
// so calendar arithmetic on it is plain arithmetic (no summer time inside it).
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Offset of the zone from UTC at the instant, in ms (luxon gives minutes, fractional before 1900). */
export function offsetAt(zone: IANAZone, at: number): number {
  return Math.round(zone.offset(at) * MINUTE_MS);
}

export function wallAt(zone: IANAZone, at: number): number {
  return at + offsetAt(zone, at);
}

/**
 * First instant in (lo, hi] whose offset differs from lo's; hi's offset must differ from lo's.
 * Assumes one transition in between (true of every zone over the hour or day searched here).
 */
export function firstOffsetChange(zone: IANAZone, lo: number, hi: number): number {
  const before = offsetAt(zone, lo);
  let low = lo;
  let high = hi;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(zone, middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

export interface WallReading {
  /** Earliest instant whose wall clock reads `wall` or later: where a local day or range begins. */
  first: number;
  /** The instant PostgreSQL gives this wall time (DetermineTimeZoneOffset in datetime.c). */
  postgres: number;
}

/**
 * The instants a wall time stands for. Like PostgreSQL, the offsets a day either side are the
 * candidates (at most one transition within two days). A wall time read once is that instant;
 * read twice (clocks went back) or never (clocks went forward, a gap), PostgreSQL takes the later
 * candidate: after the transition's offset when going back, before it when going forward.
 */
export function readWall(zone: IANAZone, wall: number): WallReading {
  const offsets = new Set([offsetAt(zone, wall - DAY_MS), offsetAt(zone, wall + DAY_MS)]);
  const candidates = [...offsets].map((offset) => wall - offset).sort((a, b) => a - b);
  const valid = candidates.filter((at) => wallAt(zone, at) === wall);
  const later = candidates[candidates.length - 1] ?? wall;
  if (valid.length > 0) return { first: valid[0] ?? later, postgres: valid[valid.length - 1] ?? later };
  const earlier = candidates[0] ?? wall;
  // In a gap the wall clock jumps past `wall` at the transition itself.
  const first = earlier === later ? later : firstOffsetChange(zone, earlier, later);
  return { first, postgres: later };
}
