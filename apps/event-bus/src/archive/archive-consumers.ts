import type { EventEnvelope } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, type Consumer, type ConsumerSignal } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { archiveBatch, catalogueAggregateTypes, parseArchivedEnvelope } from './archive-events.ts';

export const ARCHIVE_GROUP = 'event-bus.archive';

export interface ArchiveOptions {
  pool: pg.Pool;
  redis: Redis;
  /** This replica's consumer name in the group. */
  consumer: string;
  /** Stream namespace (tests use their own). */
  namespace?: string;
  aggregateTypes?: readonly string[];
  onSignal?: (signal: ConsumerSignal) => void;
  claimIdleMs?: number;
}

/**
 * One consumer per stream (streams live in different Redis Cluster slots) in the archive
 * group, storing every event in PostgreSQL. Several replicas share the work; an event that
 * fails (PostgreSQL down) stays pending, is reclaimed and dead-lettered after 5 deliveries.
 */
export function createArchiveConsumers(options: ArchiveOptions): { start(): Promise<void>; stop(): Promise<void> } {
  const types = options.aggregateTypes ?? catalogueAggregateTypes();
  const consumers: Consumer[] = types.map((type) =>
    createConsumer<EventEnvelope>({
      redis: options.redis,
      streams: [eventStreamKey(type, options.namespace)],
      group: ARCHIVE_GROUP,
      consumer: options.consumer,
      parse: parseArchivedEnvelope,
      batchSize: 200,
      ...(options.claimIdleMs ? { claimIdleMs: options.claimIdleMs } : {}),
      batchHandler: (batch) => archiveBatch(options.pool, batch),
      handler: (event, delivery) => archiveBatch(options.pool, [{ event, delivery }]),
      ...(options.onSignal ? { onSignal: options.onSignal } : {}),
    }),
  );
  return {
    start: async () => void (await Promise.all(consumers.map((consumer) => consumer.start()))),
    stop: async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))),
  };
}
