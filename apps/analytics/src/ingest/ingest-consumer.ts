import type { FastifyBaseLogger } from 'fastify';
import { eventCatalogue, type DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, type Consumer, type ConsumerSignal } from '@bizosaas/messaging';
import type { AnalyticsContext } from '../context.ts';
import { recordEvents } from './record-events.ts';

/** Every aggregate type of the catalogue: one stream each, all read by the ingest. */
export const INGESTED_AGGREGATE_TYPES = [...new Set(Object.values(eventCatalogue).map((d) => d.aggregateType))].sort();

export interface IngestOptions {
  /** Where a newly created group starts: '0' (every event still on the streams) or '$'. */
  startId: string;
  /** Called after events were recorded: wakes the projections. */
  onRecorded: () => void;
  onSignal?: (signal: ConsumerSignal) => void;
}

/**
 * Reads every event stream of the platform (seed 000 subscribes analytics to "*") and records
 * each event once in the analytics log, a read's new entries in one statement. The projections
 * are fed from that log, so recording is all the consumer does: nothing here can fail for one
 * tenant's data, and a redelivery records nothing.
 */
export function createIngestConsumer(ctx: AnalyticsContext, options: IngestOptions, log: FastifyBaseLogger): Consumer {
  const { config } = ctx;
  const record = async (events: readonly DomainEvent[]) => {
    if ((await recordEvents(ctx.worker, events)) > 0) options.onRecorded();
  };
  return createConsumer({
    redis: ctx.redis,
    streams: INGESTED_AGGREGATE_TYPES.map((type) => eventStreamKey(type, config.EVENT_STREAM_NAMESPACE)),
    group: config.INGEST_GROUP,
    consumer: config.CONSUMER_NAME,
    handler: (event) => record([event]),
    batchHandler: (batch) => record(batch.map((item) => item.event)),
    batchSize: config.INGEST_BATCH_SIZE,
    startId: options.startId,
    healthCheck: () => ctx.worker.query('SELECT 1'),
    onSignal: (signal) => {
      options.onSignal?.(signal);
      if (signal.kind === 'paused') log.warn({ err: signal.error }, 'ingest paused: PostgreSQL is down');
      if (signal.kind === 'dead_lettered')
        log.error({ delivery: signal.delivery, reason: signal.reason }, 'ingest: event dead-lettered');
      if (signal.kind === 'error') log.warn({ err: signal.error }, 'ingest consumer error');
    },
  });
}
