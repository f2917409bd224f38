import type pg from 'pg';
import { createInboxBatchHandler, createInboxHandler } from '@bizosaas/event-store';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, type ConsumerSignal } from '@bizosaas/messaging';
import type { CampaignContext, FeatureModule } from '../context.ts';
import { EVENT_STORE_SCHEMA } from '../schema.ts';

export interface EventConsumerSpec {
  /** Names the consumer group (`<CONSUMER_GROUP_PREFIX>.<name>`) and its inbox key. */
  name: string;
  /** Aggregate types whose streams are read (`<namespace>:{<type>}`). */
  aggregateTypes: readonly string[];
  /**
   * The effect of one event, in its tenant's transaction (app role, RLS) that also records the
   * event in the inbox: it commits once however often the event is delivered.
   */
  handle: (event: DomainEvent, client: pg.PoolClient, ctx: CampaignContext) => Promise<void>;
  /** After the effect committed (wake a worker). */
  afterCommit?: (event: DomainEvent) => void;
}

/**
 * A consumer group over platform event streams with a transactional inbox, as a feature: started
 * when the app is ready, stopped before it closes, its health on /ready.
 */
export function eventConsumerFeature(spec: EventConsumerSpec): FeatureModule {
  return (app, ctx) => {
    const group = `${ctx.config.CONSUMER_GROUP_PREFIX}.${spec.name}`;
    // The inbox transactions are not the store's: once they committed, their clients wake the
    // outbox relay if the effects appended events (else they wait for the relay's poll). A batch
    // commits tenant by tenant, so a read may use several clients.
    const used = new Set<pg.PoolClient>();
    const options = {
      pool: ctx.pool,
      schema: EVENT_STORE_SCHEMA,
      consumer: group,
      handle: (event: DomainEvent, client: pg.PoolClient) => {
        used.add(client);
        return spec.handle(event, client, ctx);
      },
    };
    const inbox = createInboxHandler<DomainEvent>(options);
    // A read's new events commit together, tenant by tenant (a backlog is caught up in few
    // transactions); a failing batch is handed back event by event.
    const inboxBatch = createInboxBatchHandler<DomainEvent>(options);
    const committed = (events: readonly DomainEvent[]) => {
      for (const client of used) ctx.store.committed(client);
      used.clear();
      for (const event of events) spec.afterCommit?.(event);
    };
    const consumer = createConsumer({
      redis: ctx.redis,
      streams: spec.aggregateTypes.map((type) => eventStreamKey(type, ctx.config.EVENT_STREAM_NAMESPACE)),
      group,
      consumer: ctx.config.CONSUMER_NAME,
      handler: async (event, delivery) => {
        await inbox(event, delivery);
        committed([event]);
      },
      batchHandler: async (batch) => {
        await inboxBatch(batch);
        committed(batch.map((item) => item.event));
      },
      startId: ctx.config.CONSUMER_START_ID,
      batchSize: 100,
      healthCheck: () => ctx.pool.query('SELECT 1'),
      onSignal: (signal: ConsumerSignal) => {
        ctx.consumers.observe(signal, group);
        logSignal(app.log, group, signal);
      },
    });
    ctx.consumers.track(consumer);
    app.addHook('onReady', () => consumer.start());
    app.addHook('preClose', () => consumer.stop());
  };
}

function logSignal(
  log: { warn: (o: object, m: string) => void; error: (o: object, m: string) => void },
  group: string,
  signal: ConsumerSignal,
): void {
  if (signal.kind === 'paused') log.warn({ group, err: signal.error }, 'consumer paused: PostgreSQL is down');
  if (signal.kind === 'failed')
    log.warn({ group, err: signal.error, delivery: signal.delivery }, 'delivery failed; it will be retried');
  if (signal.kind === 'dead_lettered')
    log.error({ group, delivery: signal.delivery, reason: signal.reason }, 'event dead-lettered');
  if (signal.kind === 'error') log.warn({ group, err: signal.error }, 'consumer error');
}
