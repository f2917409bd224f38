import type { Redis } from 'ioredis';
import { claimStale } from './claim-stale.ts';
import { reconnectDelay } from './create-redis.ts';
import { deliverBatch, deliverEach, type DeliverContext } from './deliver.ts';
import { DependencyDown } from './dependency-down.ts';
import {
  pauseUntilHealthy,
  redeliverOwnPending,
  sleep,
  type PauseBackoff,
  type PauseState,
} from './dependency-outage.ts';
import { fromReadReply } from './stream-entry.ts';

/** Everything one running consumer needs; mutable fields are owned by its loop. */
export interface ConsumerLoop<E> {
  deliver: DeliverContext<E>;
  streams: readonly string[];
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  claimIntervalMs: number;
  stopping: AbortSignal;
  ensureGroups: () => Promise<unknown>;
  /** XAUTOCLAIM cursor per stream. */
  cursors: Map<string, string>;
  /** CLIENT ID of the blocking connection; undefined after it reconnects. */
  blockingId?: number;
  /** Acknowledgements sent and not yet answered; the loop awaits them before it ends. */
  acks: Set<Promise<unknown>>;
  /** Resolves when the consumer's dependencies are usable again (probed during a pause). */
  healthCheck: () => Promise<unknown>;
  pauseBackoff: PauseBackoff;
  /** Set while paused by a dependency outage. */
  paused?: PauseState | undefined;
}

/**
 * Reclaim stale entries every `claimIntervalMs`, then block for new ones, until stopped.
 * Errors (Redis down, NOGROUP) are signalled and retried with backoff; the loop never dies.
 * A dependency outage met by a handler pauses the loop until its health check passes; then
 * the entries it holds come first.
 */
export async function runConsumerLoop<E>(loop: ConsumerLoop<E>, connection: Redis): Promise<void> {
  let nextClaimAt = 0;
  let failures = 0;
  let recovering = false;
  while (!loop.stopping.aborted) {
    try {
      if (recovering) {
        await redeliverOwnPending(loop);
        recovering = false;
      }
      if (Date.now() >= nextClaimAt) {
        const more = await reclaim(loop);
        nextClaimAt = more ? 0 : Date.now() + loop.claimIntervalMs;
      }
      loop.blockingId ??= Number(await connection.client('ID'));
      if (!loop.stopping.aborted) await readNew(loop, connection);
      failures = 0;
    } catch (error) {
      if (error instanceof DependencyDown) {
        await pauseUntilHealthy(loop, error);
        recovering = true;
        continue;
      }
      loop.deliver.signal({ kind: 'error', error });
      failures += 1;
      await sleep(reconnectDelay(failures), loop.stopping);
      // The stream or group may have vanished (Redis restarted without persistence).
      if (error instanceof Error && error.message.startsWith('NOGROUP')) await loop.ensureGroups().catch(() => {});
    }
  }
  await Promise.all(loop.acks);
}

/** One XAUTOCLAIM page per stream; true when some stream has more stale entries waiting. */
async function reclaim<E>(loop: ConsumerLoop<E>): Promise<boolean> {
  const { redis, group, consumer } = loop.deliver;
  let more = false;
  for (const stream of loop.streams) {
    const page = await claimStale(redis, {
      stream,
      group,
      consumer,
      minIdleMs: loop.claimIdleMs,
      count: loop.batchSize,
      cursor: loop.cursors.get(stream)!,
    });
    loop.cursors.set(stream, page.cursor);
    more ||= page.cursor !== '0-0';
    await deliverEach(loop.deliver, page.entries);
  }
  return more;
}

async function readNew<E>(loop: ConsumerLoop<E>, connection: Redis): Promise<void> {
  const { group, consumer } = loop.deliver;
  const reply = await connection.xreadgroup(
    'GROUP',
    group,
    consumer,
    'COUNT',
    loop.batchSize,
    'BLOCK',
    loop.blockMs,
    'STREAMS',
    ...loop.streams,
    ...loop.streams.map(() => '>'),
  );
  // Finish the whole batch even when stopping: these entries are already ours. The next read
  // does not wait for Redis to answer their acknowledgements (one round trip less per read).
  const { acked } = await deliverBatch(loop.deliver, fromReadReply(reply));
  const settled = acked
    .catch((error: unknown) => loop.deliver.signal({ kind: 'error', error }))
    .finally(() => loop.acks.delete(settled));
  loop.acks.add(settled);
}
