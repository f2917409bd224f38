import { z } from 'zod';
import { futureFactIssues, ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';

/** The longest window one replay covers: a bounded amount of archive read and forwarded per run. */
export const REPLAY_MAX_WINDOW_DAYS = 31;
/** The caller's clock may run a little ahead of ours. */
export const REPLAY_CLOCK_SKEW_MS = 60_000;

const DAY_MS = 86_400_000;

const instant = z.iso.datetime({ offset: true });

export const replayBody = z.strictObject({
  from: instant.describe('start of the window (inclusive): archived events by their occurredAt'),
  to: instant.describe(
    `end of the window (exclusive), after from, at most ${REPLAY_MAX_WINDOW_DAYS} days later, not in the future`,
  ),
});
export type ReplayBody = z.output<typeof replayBody>;

export interface ReplayWindow {
  from: Date;
  to: Date;
}

/** The window of a replay request, or one VALIDATION_ERROR naming every rule it breaks. */
export function replayWindow(body: ReplayBody, now: Date): ReplayWindow {
  const from = new Date(body.from);
  const to = new Date(body.to);
  const issues: FieldIssue[] = futureFactIssues({ from: body.from, to: body.to }, now, REPLAY_CLOCK_SKEW_MS);
  if (to.getTime() <= from.getTime()) issues.push({ path: 'to', message: 'must be after from', location: 'body' });
  else if (to.getTime() - from.getTime() > REPLAY_MAX_WINDOW_DAYS * DAY_MS)
    issues.push({
      path: 'to',
      message: `must be at most ${REPLAY_MAX_WINDOW_DAYS} days after from`,
      location: 'body',
    });
  if (issues.length > 0) throw new ValidationError('The replay window is not valid', issues);
  return { from, to };
}
