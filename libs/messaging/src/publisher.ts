import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import { toStreamFields } from './stream-entry.ts';
import {
  DEFAULT_STREAM_NAMESPACE,
  eventStreamKey,
  groupStreamKey,
  highPriorityStreamKey,
  type Priority,
} from './stream-names.ts';

/**
 * Optional approximate trimming (`XADD ... MAXLEN|MINID ~ threshold`). Off by default:
 * trimming by length can drop entries a group has not acknowledged yet. Only pass a MINID
 * computed from the oldest entry still pending in every group (a retention job's work).
 */
export interface StreamTrim {
  strategy: 'MAXLEN' | 'MINID';
  threshold: string | number;
}

export interface PublisherOptions {
  redis: Redis;
  /** Key namespace; streams are `<namespace>:{<aggregateType>}`. */
  namespace?: string;
  trim?: StreamTrim;
}

/** Where on its aggregate type's stream an event goes. */
export interface PublishOptions {
  /** `high`: the `<stream>:high` companion, which consumers read first. Default `normal`. */
  priority?: Priority;
  /** Only this consumer group gets it (`<stream>:group:<group>`; replays, redrives). Overrides priority. */
  group?: string;
}

/** The stream key an event is appended to. */
export function publishStreamKey(
  aggregateType: string,
  namespace = DEFAULT_STREAM_NAMESPACE,
  options: PublishOptions = {},
): string {
  const stream = eventStreamKey(aggregateType, namespace);
  if (options.group !== undefined) return groupStreamKey(stream, options.group);
  return options.priority === 'high' ? highPriorityStreamKey(stream) : stream;
}

export interface Publisher {
  /** XADDs one event to its aggregate type's stream; resolves to the stream entry id. Throws ServiceUnavailableError. */
  publish(event: EventEnvelope, options?: PublishOptions): Promise<string>;
  /**
   * XADDs many events in one pipeline (one round trip), in order; resolves to their entry ids.
   * Not atomic: on failure the error lists what was and was not published, and a retry may
   * duplicate the published ones (consumers deduplicate by event id).
   */
  publishMany(events: readonly EventEnvelope[], options?: PublishOptions): Promise<string[]>;
}

/** Publishes already-validated envelopes (from createEvent or the outbox) to Redis Streams. */
export function createPublisher({ redis, namespace = DEFAULT_STREAM_NAMESPACE, trim }: PublisherOptions): Publisher {
  const trimArgs = trim ? [trim.strategy, '~', String(trim.threshold)] : [];
  const xaddArgs = (event: EventEnvelope, options?: PublishOptions): [string, ...string[]] => [
    publishStreamKey(event.aggregateType, namespace, options),
    ...trimArgs,
    '*',
    ...toStreamFields(event),
  ];

  return {
    async publish(event, options) {
      try {
        return (await redis.xadd(...xaddArgs(event, options)))!;
      } catch (error) {
        throw new ServiceUnavailableError('Publishing failed', { eventId: event.id, reason: (error as Error).message });
      }
    },

    async publishMany(events, options) {
      if (events.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const event of events) pipeline.xadd(...xaddArgs(event, options));
      const results = (await pipeline.exec()) ?? [];
      const outcomes = events.map((event, i) => {
        const [error, entryId] = results[i] ?? [new Error('no reply'), null];
        return { eventId: event.id, error, entryId: entryId as string };
      });
      const failed = outcomes.filter((outcome) => outcome.error);
      if (failed.length > 0) {
        throw new ServiceUnavailableError(`Publishing failed for ${failed.length} of ${events.length} events`, {
          failed: failed.map(({ eventId, error }) => ({ eventId, reason: error!.message })),
          published: outcomes.filter((o) => !o.error).map(({ eventId, entryId }) => ({ eventId, entryId })),
        });
      }
      return outcomes.map((outcome) => outcome.entryId);
    },
  };
}
