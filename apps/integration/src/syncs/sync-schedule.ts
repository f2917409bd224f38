import { Cron } from 'croner';

/**
 * Schedules are 5-field cron patterns read in UTC (minute precision: a sync never runs more than
 * once a minute). A paused Cron only computes times; it starts no timer.
 */
function cronOf(pattern: string): Cron {
  return new Cron(pattern, { paused: true, mode: '5-part', timezone: 'UTC' });
}

/** Why croner refuses the pattern, or null when it is a valid schedule. */
export function scheduleProblem(pattern: string): string | null {
  try {
    return cronOf(pattern).nextRun(new Date()) === null ? 'never runs' : null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first time the schedule fires strictly after `after` (null: never again). */
export function nextRunAfter(pattern: string, after: Date): Date | null {
  return cronOf(pattern).nextRun(after);
}
