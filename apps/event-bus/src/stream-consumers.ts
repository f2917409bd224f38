import type { EventEnvelope } from '@bizosaas/event-schemas';
import {
  createConsumer,
  eventStreamKey,
  type BatchItem,
  type Consumer,
  type ConsumerSignal,
} from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import { catalogueAggregateTypes, parseArchivedEnvelope } from './archive/archive-events.ts';

export interface StreamConsumersOptions {
  redis: Redis;
  group: string;
  /** This replica's consumer name in the group. */
  consumer: string;
  /** Stores or routes one read of events; throwing leaves them pending for a retry. */
  handle: (batch: readonly BatchItem<EventEnvelope>[]) => Promise<void>;
  namespace?: string;
  aggregateTypes?: readonly string[];
  onSignal?: (signal: ConsumerSignal) => void;
  /** Resolves when `handle`'s database answers: while it fails, an error pauses the consumers instead of spending deliveries. */
  healthCheck?: () => Promise<unknown>;
}

/**
 * One consumer per catalogue stream (streams live in different Redis Cluster slots) in one
 * group, all handing their reads to `handle`. Envelopes only are checked: the bus keeps and
 * forwards types and versions this build does not know. Several replicas share the work; an
 * entry that keeps failing is dead-lettered to `<stream>:dlq` after 5 deliveries.
 */
export function createStreamConsumers(options: StreamConsumersOptions): {
  start(): Promise<void>;
  stop(): Promise<void>;
  consumers: readonly Consumer[];
} {
  const types = options.aggregateTypes ?? catalogueAggregateTypes();
  const consumers: Consumer[] = types.map((type) =>
    createConsumer<EventEnvelope>({
      redis: options.redis,
      streams: [eventStreamKey(type, options.namespace)],
      group: options.group,
      consumer: options.consumer,
      parse: parseArchivedEnvelope,
      batchSize: 200,
      batchHandler: options.handle,
      handler: (event, delivery) => options.handle([{ event, delivery }]),
      ...(options.onSignal ? { onSignal: options.onSignal } : {}),
      ...(options.healthCheck ? { healthCheck: options.healthCheck } : {}),
    }),
  );
  return {
    consumers,
    start: async () => void (await Promise.all(consumers.map((consumer) => consumer.start()))),
    stop: async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))),
  };
}
