import type pg from 'pg';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface BusMetrics {
  published(type: string): void;
  archived(type: string, count: number): void;
  attempted(type: string, result: 'delivered' | 'failed' | 'dead', seconds: number): void;
  trimmed(stream: string, count: number): void;
  /** An outbound request refused by the address policy (stage url: before sending; connect: after resolution). */
  refused(rule: string, stage: 'url' | 'connect'): void;
}

/**
 * The bus's metrics on the service's registry: events published and archived by type, webhook
 * attempts by type and result with their latency, and (read from PostgreSQL at scrape time, as
 * the worker role) active subscriptions and dead-lettered deliveries.
 */
export function busMetrics(registry: Registry, workerPool: pg.Pool): BusMetrics {
  const published = new Counter({
    name: 'eventbus_events_published_total',
    help: 'Events published over HTTP',
    labelNames: ['type'],
    registers: [registry],
  });
  const archived = new Counter({
    name: 'eventbus_events_archived_total',
    help: 'Events stored in the archive (processed)',
    labelNames: ['type'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'eventbus_webhook_attempts_total',
    help: 'Webhook delivery attempts by event type and result (failed = will retry, dead = gave up)',
    labelNames: ['type', 'result'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'eventbus_webhook_attempt_seconds',
    help: 'Duration of webhook delivery attempts',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const trimmed = new Counter({
    name: 'eventbus_stream_entries_trimmed_total',
    help: 'Stream entries every consumer group had acknowledged, trimmed',
    labelNames: ['stream'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'eventbus_outbound_refused_total',
    help: 'Webhook requests refused by the outbound address policy, by rule and stage',
    labelNames: ['rule', 'stage'],
    registers: [registry],
  });
  const count = async (sql: string) => Number((await workerPool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  new Gauge({
    name: 'eventbus_active_subscriptions',
    help: 'Webhook subscriptions in status active',
    registers: [registry],
    async collect() {
      this.set(await count(`SELECT count(*) AS n FROM event_bus.subscriptions WHERE status = 'active'`));
    },
  });
  new Gauge({
    name: 'eventbus_dead_letters',
    help: 'Webhook deliveries that ran out of retries',
    registers: [registry],
    async collect() {
      this.set(await count(`SELECT count(*) AS n FROM event_bus.deliveries WHERE status = 'dead'`));
    },
  });
  return {
    published: (type) => published.inc({ type }),
    archived: (type, n) => archived.inc({ type }, n),
    trimmed: (stream, n) => trimmed.inc({ stream }, n),
    refused: (rule, stage) => refused.inc({ rule, stage }),
    attempted: (type, result, seconds) => {
      attempts.inc({ type, result });
      latency.observe(seconds);
    },
  };
}
