import { setTimeout as delay } from 'node:timers/promises';
import { countDeliveries } from './claim-stale.ts';
import type { ConsumerLoop } from './consumer-loop.ts';
import { deliverEach } from './deliver.ts';
import type { DependencyDown } from './dependency-down.ts';
import { fromReadReply, type StreamEntry } from './stream-entry.ts';
import { excusedDeliveriesKey } from './stream-names.ts';

/** Why and since when (epoch ms) a consumer is paused. */
export interface PauseState {
  since: number;
  reason: string;
}

export interface PauseBackoff {
  /** First wait before probing the health check; it doubles up to `maxMs`. */
  initialMs: number;
  maxMs: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * While a dependency is down the consumer neither reads nor claims, so Redis counts no new
 * delivery of anything. The deliveries that ended in the outage (the held entries) are
 * recorded as excused, which the dead-letter decision subtracts from Redis's count (see
 * countDeliveries), whichever consumer of the group handles them next. Resolves once the
 * health check passes (probed with exponential backoff) and the excuses are recorded, or on stop.
 */
export async function pauseUntilHealthy<E>(loop: ConsumerLoop<E>, down: DependencyDown): Promise<void> {
  const paused: PauseState = { since: Date.now(), reason: messageOf(down.failure) };
  loop.paused = paused;
  loop.deliver.signal({ kind: 'paused', error: down.failure, held: down.held.length });
  let unexcused: readonly StreamEntry[] = down.held;
  for (let attempt = 0; !loop.stopping.aborted; attempt += 1) {
    unexcused = await excuse(loop, unexcused);
    await sleep(Math.min(loop.pauseBackoff.initialMs * 2 ** attempt, loop.pauseBackoff.maxMs), loop.stopping);
    if (loop.stopping.aborted) break;
    try {
      await loop.healthCheck();
    } catch (error) {
      paused.reason = messageOf(error);
      continue;
    }
    unexcused = await excuse(loop, unexcused);
    if (unexcused.length === 0) break;
  }
  loop.paused = undefined;
  loop.deliver.signal({ kind: 'resumed', pausedMs: Date.now() - paused.since });
}

/**
 * Records one excused delivery per entry in one MULTI (all or none, so a retry after a failure
 * does not excuse twice); resolves to the entries still to excuse ([] once recorded).
 */
async function excuse<E>(loop: ConsumerLoop<E>, entries: readonly StreamEntry[]): Promise<readonly StreamEntry[]> {
  if (entries.length === 0) return entries;
  const multi = loop.deliver.redis.multi();
  for (const { stream, id } of entries) multi.hincrby(excusedDeliveriesKey(stream, loop.deliver.group), id, 1);
  return multi.exec().then(
    () => [],
    (error: unknown) => {
      loop.deliver.signal({ kind: 'error', error });
      return entries;
    },
  );
}

/**
 * After a pause: handles the entries this consumer still holds (its own pending list, read with
 * XREADGROUP from id 0: entries another consumer claimed meanwhile are not in it), oldest
 * first, before reading new ones. Reading them again counts a delivery, which the excuse
 * recorded for the outage cancels.
 */
export async function redeliverOwnPending<E>(loop: ConsumerLoop<E>): Promise<void> {
  const { redis, group, consumer } = loop.deliver;
  for (const stream of loop.streams) {
    for (let after = '0'; !loop.stopping.aborted;) {
      const entries = fromReadReply(
        await redis.xreadgroup('GROUP', group, consumer, 'COUNT', loop.batchSize, 'STREAMS', stream, after),
      );
      if (entries.length === 0) break;
      after = entries.at(-1)!.id;
      await deliverEach(loop.deliver, await countDeliveries(redis, { stream, group, consumer }, entries));
    }
  }
}

/** Waits `ms`, or less when `abort` fires (then resolves, not rejects). */
export const sleep = (ms: number, abort: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal: abort }).catch(() => undefined);
