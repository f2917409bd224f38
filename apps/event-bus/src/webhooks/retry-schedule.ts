/**
 * When attempt n + 1 follows a failed attempt n (Standard Webhooks' suggested schedule):
 * at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h. After the last one fails the delivery is dead.
 */
export const RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000] as const;

/** The time of the next attempt after `attempts` failed ones, or null when none is left. */
export function nextAttemptAt(attempts: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay);
}
