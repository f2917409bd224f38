import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import { toStreamFields } from './stream-entry.ts';
import { DEFAULT_STREAM_NAMESPACE, eventStreamKey } from './stream-names.ts';

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

export interface Publisher {
  /** XADDs one event to its aggregate type's stream; resolves to the stream entry id. Throws ServiceUnavailableError. */
  publish(event: EventEnvelope): Promise<string>;
  /**
   * XADDs many events in one pipeline (one round trip), in order; resolves to their entry ids.
   * Not atomic: on failure the error lists what was and was not published, and a retry may
   * duplicate the published ones (consumers deduplicate by event id).
   */
  publishMany(events: readonly EventEnvelope[]): Promise<string[]>;
}

/** Publishes already-validated envelopes (from createEvent or the outbox) to Redis Streams. */
export function createPublisher({ redis, namespace = DEFAULT_STREAM_NAMESPACE, trim }: PublisherOptions): Publisher {
  const trimArgs = trim ? [trim.strategy, '~', String(trim.threshold)] : [];
  const xaddArgs = (event: EventEnvelope): [string, ...string[]] => [
    eventStreamKey(event.aggregateType, namespace),
    ...trimArgs,
    '*',
    ...toStreamFields(event),
  ];

  return {
    async publish(event) {
      try {
        return (await redis.xadd(...xaddArgs(event)))!;
      } catch (error) {
        throw new ServiceUnavailableError('Publishing failed', { eventId: event.id, reason: (error as Error).message });
      }
    },

    async publishMany(events) {
      if (events.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const event of events) pipeline.xadd(...xaddArgs(event));
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
