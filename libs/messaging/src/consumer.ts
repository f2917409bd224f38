import { parseEvent, type DomainEvent } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import { runConsumerLoop, type ConsumerLoop } from './consumer-loop.ts';
import type { ConsumerSignal, EventBatchHandler, EventHandler } from './deliver.ts';
import { ensureGroup } from './ensure-group.ts';
import { consumedStreams, deadLetterStreamKey } from './stream-names.ts';
import { isTransientError } from './transient-error.ts';

export interface ConsumerOptions<E> {
  /** Used for XACK, XAUTOCLAIM, group creation and dead-lettering. */
  redis: Redis;
  /** Connection for the blocking XREADGROUP; default: a duplicate of `redis`, closed by stop(). */
  blockingRedis?: Redis;
  /**
   * Stream keys (see eventStreamKey). Each is read together with its companions: `<stream>:high`
   * (read first) and `<stream>:group:<group>` (entries for this group only). Under Redis Cluster
   * use one stream per consumer (its companions share its hash tag).
   */
  streams: readonly string[];
  group: string;
  /** Unique per process (e.g. the pod name); a restarted process may reuse it. */
  consumer: string;
  handler: EventHandler<E>;
  /**
   * Optional: handles the new entries of each read together (see EventBatchHandler); `handler`
   * still serves reclaimed entries and a batch that failed.
   */
  batchHandler?: EventBatchHandler<E>;
  /** Raw envelope -> event; default parseEvent with the platform catalogue. Throwing dead-letters. */
  parse?: (raw: unknown) => E;
  /** Entries per read and per claim. Default 10. */
  batchSize?: number;
  /** How long one XREADGROUP waits for new entries. Default 2000 ms. */
  blockMs?: number;
  /** Deliveries after which a failing entry goes to `<stream>:dlq`. Default 5. */
  maxDeliveries?: number;
  /** Idle time after which a pending entry is reclaimed (failed, or its consumer died). Default 30 s. */
  claimIdleMs?: number;
  /** How often to look for such entries. Default min(claimIdleMs, 5 s). */
  claimIntervalMs?: number;
  /** Where a newly created group starts: '0' (default, nothing published earlier is missed) or '$'. */
  startId?: string;
  /**
   * Resolves when the handler's dependencies are usable (e.g. `SELECT 1` on its pool); throws or
   * times out (5 s) when not. A handler error that is transient (`isTransient`) while this fails
   * is an outage: the consumer pauses (no reads, no claims), does not count the delivery, and
   * probes this with backoff until it passes. A transient error while it passes counts as a
   * failed delivery. Without it every transient error pauses the consumer.
   */
  healthCheck?: () => Promise<unknown>;
  /** Default isTransientError (infrastructure failures). */
  isTransient?: (error: unknown) => boolean;
  /** Probing backoff while paused. Default 250 ms doubling to 5 s. */
  pauseBackoff?: { initialMs?: number; maxMs?: number };
  /** Metrics and logging hook. */
  onSignal?: (signal: ConsumerSignal) => void;
}

/** What `/ready` shows of a consumer. */
export interface ConsumerStatus {
  group: string;
  consumer: string;
  /** The streams given in the options (their companions are read too). */
  streams: readonly string[];
  /** Present while a dependency outage pauses the consumer. */
  paused?: { sinceMs: number; reason: string };
}

export interface Consumer {
  /** Creates missing groups, then consumes in the background until stop(). */
  start(): Promise<void>;
  /** Stops reading, lets the batch in hand finish (handlers, acks), then resolves. */
  stop(): Promise<void>;
  status(): ConsumerStatus;
}

/**
 * A Redis Streams consumer-group worker with at-least-once delivery: entries are handled in
 * stream order, acknowledged after their handler resolves, retried by reclaiming after
 * `claimIdleMs`, and dead-lettered after `maxDeliveries` or when they cannot be parsed.
 */
export function createConsumer<E = DomainEvent>(options: ConsumerOptions<E>): Consumer {
  const { redis, streams, group, blockingRedis } = options;
  const signal = options.onSignal ?? (() => {});
  const claimIdleMs = options.claimIdleMs ?? 30_000;
  const stopping = new AbortController();
  const companions = streams.map((stream) => consumedStreams(stream, group));
  // All high companions first: one XREADGROUP returns its streams' entries in key order.
  const readStreams = [0, 1, 2].flatMap((i) => companions.map((keys) => keys[i]!));
  const baseOf = new Map(companions.flatMap((keys, i) => keys.map((key) => [key, streams[i]!] as const)));
  const startId = options.startId ?? '0';
  const healthCheck = options.healthCheck ? withTimeout(options.healthCheck, 5_000) : async () => {};
  const isTransient = options.isTransient ?? isTransientError;
  const loop: ConsumerLoop<E> = {
    deliver: {
      redis,
      group,
      consumer: options.consumer,
      maxDeliveries: options.maxDeliveries ?? 5,
      parse: options.parse ?? ((raw) => parseEvent(raw) as E),
      handler: options.handler,
      ...(options.batchHandler ? { batchHandler: options.batchHandler } : {}),
      signal,
      isOutage: async (error) =>
        isTransient(error) &&
        !(await healthCheck().then(
          () => true,
          () => false,
        )),
      deadLetterStream: (stream) => deadLetterStreamKey(baseOf.get(stream) ?? stream),
    },
    streams: readStreams,
    batchSize: options.batchSize ?? 10,
    blockMs: options.blockMs ?? 2_000,
    claimIdleMs,
    claimIntervalMs: options.claimIntervalMs ?? Math.min(claimIdleMs, 5_000),
    stopping: stopping.signal,
    // A group's own stream is only ever written for it: it starts at '0' whatever startId says.
    ensureGroups: () =>
      Promise.all(
        companions.flatMap(([high, own, normal]) => [
          ensureGroup(redis, high, group, startId),
          ensureGroup(redis, own, group, '0'),
          ensureGroup(redis, normal, group, startId),
        ]),
      ),
    cursors: new Map(readStreams.map((stream) => [stream, '0-0'])),
    acks: new Set(),
    healthCheck,
    pauseBackoff: { initialMs: options.pauseBackoff?.initialMs ?? 250, maxMs: options.pauseBackoff?.maxMs ?? 5_000 },
  };
  let running: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  return {
    async start() {
      if (running) throw new Error('consumer already started');
      await loop.ensureGroups();
      const connection = blockingRedis ?? duplicateForBlocking(redis, loop.blockMs, signal);
      // stop() ends a pending XREADGROUP with CLIENT UNBLOCK <id>; the id changes on reconnect.
      const forgetId = () => (loop.blockingId = undefined);
      connection.on('close', forgetId);
      running = runConsumerLoop(loop, connection).finally(() => {
        connection.off('close', forgetId);
        if (connection !== blockingRedis) connection.disconnect();
      });
    },

    stop() {
      stopped ??= (async () => {
        stopping.abort();
        if (loop.blockingId !== undefined) await redis.client('UNBLOCK', loop.blockingId).catch(() => {});
        await running;
      })();
      return stopped;
    },

    status() {
      const paused = loop.paused && { sinceMs: Date.now() - loop.paused.since, reason: loop.paused.reason };
      return { group, consumer: options.consumer, streams, ...(paused ? { paused } : {}) };
    },
  };
}

function withTimeout(check: () => Promise<unknown>, ms: number): () => Promise<unknown> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`health check: no answer within ${ms} ms`)), ms)),
    );
    try {
      return await Promise.race([check(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

function duplicateForBlocking(redis: Redis, blockMs: number, signal: (s: ConsumerSignal) => void): Redis {
  const name = redis.options.connectionName;
  const connection = redis.duplicate({
    ...(name ? { connectionName: `${name}:blocking` } : {}),
    // A read legitimately stays silent for blockMs; silence well beyond that is a dead socket.
    socketTimeout: blockMs + 10_000,
    commandTimeout: undefined,
  });
  connection.on('error', (error: unknown) => signal({ kind: 'error', error }));
  return connection;
}
