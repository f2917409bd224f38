import { DateTime, IANAZone } from 'luxon';

/**
 * A daily window ('HH:mm' wall-clock times, start inclusive, end exclusive) in which non-critical
 * messages wait. `end` before `start` crosses midnight; `start` equal to `end` is no window.
 */
export interface QuietHours {
  readonly start: string;
  readonly end: string;
  /** IANA zone; default: the recipient's zone given by the trigger, else UTC. */
  readonly timezone?: string;
}

const MINUTES_PER_DAY = 24 * 60;

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const wallMinutes = (at: DateTime) => at.hour * 60 + at.minute;

/** The window's own zone, else the recipient's, else UTC; a name luxon does not know counts as absent. */
export function quietHoursZone(quietHours: QuietHours, fallbackZone: string | null): string {
  for (const zone of [quietHours.timezone, fallbackZone]) if (zone && IANAZone.isValidZone(zone)) return zone;
  return 'UTC';
}

/** Whether a wall-clock minute of the day lies in [start, end), crossing midnight when end < start. */
export function inQuietWindow(minute: number, start: number, end: number): boolean {
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * When the quiet hours in force at `now` end: null when `now` is outside the window, else the
 * first instant whose wall clock in the zone reads `end` or later. Wall-clock minutes are turned
 * into elapsed time corrected by any offset change in between, so a night with a DST switch is an
 * hour shorter or longer; an `end` the clocks skip over ends the window when they jump.
 */
export function quietHoursEnd(now: Date, quietHours: QuietHours | null, fallbackZone: string | null): Date | null {
  if (quietHours === null) return null;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return null;
  const local = DateTime.fromJSDate(now, { zone: quietHoursZone(quietHours, fallbackZone) });
  const minute = wallMinutes(local);
  if (!inQuietWindow(minute, start, end)) return null;
  const remaining = (end - minute + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const estimate = local.startOf('minute').plus({ minutes: remaining });
  const corrected = estimate.minus({ minutes: estimate.offset - local.offset });
  if (wallMinutes(corrected) === end && corrected > local) return corrected.toJSDate();
  // `end` does not exist that day: the estimate lies after the jump, `now` before it.
  const elapsedWall = (at: DateTime) => (wallMinutes(at) - minute + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const jump = firstInstant(local, estimate, (at) => elapsedWall(at) >= remaining).toJSDate();
  // A window that leaves out less than the skipped interval is still in force after the jump:
  // it lasts until its end on the next day (which has no jump).
  return quietHoursEnd(jump, quietHours, fallbackZone) ?? jump;
}

/** Bisection to the millisecond for the first instant in (from, to] where `reached` holds (it holds at `to`). */
function firstInstant(from: DateTime, to: DateTime, reached: (at: DateTime) => boolean): DateTime {
  let low = from.toMillis();
  let high = to.toMillis();
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (reached(DateTime.fromMillis(middle, { zone: from.zone }))) high = middle;
    else low = middle;
  }
  return DateTime.fromMillis(high, { zone: from.zone });
}
