import type { EventEnvelope } from '@bizosaas/event-schemas';
import { toStreamFields } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import {
  START_CHECKPOINT,
  type GlobalCheckpoint,
  type PgQueryable,
  type ReadAllInput,
  type ReadAllResult,
} from '../store/types.ts';

export interface ReplayFromStoreOptions {
  /** The event store's readAll (EventStore.readAll). */
  readAll: (client: PgQueryable, input: ReadAllInput) => Promise<ReadAllResult<EventEnvelope>>;
  /** Worker-role pool or client (readAll reads every tenant). */
  client: PgQueryable;
  redis: Redis;
  /** Which aggregate types to replay, e.g. ['lead'] for the stream `bizosaas:events:{lead}`. */
  aggregateTypes: readonly string[];
  /** Stream to write to: usually one read by a single group only, e.g. `<stream>:replay:<group>`. */
  stream: string;
  /** Resume after this checkpoint (the `checkpoint` an earlier call returned). Default: the start. */
  after?: GlobalCheckpoint;
  /** Events per readAll page and XADD pipeline. Default 500. */
  pageSize?: number;
}

export interface ReplayResult {
  published: number;
  /** Where the replay stopped (the store's end when it ran): pass as `after` to resume. */
  checkpoint: GlobalCheckpoint;
}

/**
 * Republishes history from the event store to a stream, in commit order, as regular stream
 * entries (libs/messaging consumers read them) with `metadata.replay = true`. This is how
 * entries removed by trimSafely are recovered, e.g. for a consumer group created after the
 * trim. The replay overlaps what is still in the live stream: consumers' inboxes absorb the
 * duplicates. Runs until it has caught up with the store.
 */
export async function replayFromStore(options: ReplayFromStoreOptions): Promise<ReplayResult> {
  const pageSize = options.pageSize ?? 500;
  let checkpoint = options.after ?? START_CHECKPOINT;
  let published = 0;
  for (;;) {
    const page = await options.readAll(options.client, {
      after: checkpoint,
      limit: pageSize,
      aggregateTypes: options.aggregateTypes,
    });
    if (page.events.length > 0) {
      const pipeline = options.redis.pipeline();
      for (const event of page.events) pipeline.xadd(options.stream, '*', ...toStreamFields(asReplay(event)));
      const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
      if (failed) throw failed[0]!;
      published += page.events.length;
    }
    checkpoint = page.checkpoint;
    if (page.events.length < pageSize) return { published, checkpoint };
  }
}

/** The envelope without readAll's position fields, marked as a replay. */
function asReplay(recorded: EventEnvelope & Partial<GlobalCheckpoint>): EventEnvelope {
  const { transactionId: _t, globalPosition: _g, ...event } = recorded;
  return { ...event, metadata: { ...event.metadata, replay: true } };
}
