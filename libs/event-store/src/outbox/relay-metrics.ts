import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OutboxBacklog } from './outbox-backlog.ts';

/** What the relay reports; a no-op without a registry. */
export interface RelayMetrics {
  published(count: number): void;
  batchSeconds(seconds: number): void;
  /** Stops reporting this schema's backlog. */
  close(): void;
}

type BacklogSource = () => Promise<OutboxBacklog>;

interface BacklogGauges {
  sources: Map<string, BacklogSource>;
  rows: Gauge<'schema'>;
  age: Gauge<'schema'>;
}

// Relays of several schemas may share one registry: each metric exists once, labelled by schema.
const gaugesByRegistry = new WeakMap<Registry, BacklogGauges>();

/**
 * prom-client metrics of one relay on `registry`: `outbox_backlog_rows` and
 * `outbox_oldest_age_seconds` (read from PostgreSQL at scrape time), `outbox_published_total`,
 * `outbox_relay_batch_duration_seconds`; all labelled `schema`.
 */
export function relayMetrics(registry: Registry | undefined, schema: string, backlog: BacklogSource): RelayMetrics {
  if (!registry) return { published() {}, batchSeconds() {}, close() {} };
  const gauges = backlogGauges(registry);
  gauges.sources.set(schema, backlog);
  const published = singleMetric(
    registry,
    'outbox_published_total',
    () =>
      new Counter({
        name: 'outbox_published_total',
        help: 'Outbox rows published to Redis Streams (duplicates after a crash included).',
        labelNames: ['schema'],
        registers: [registry],
      }),
  );
  const duration = singleMetric(
    registry,
    'outbox_relay_batch_duration_seconds',
    () =>
      new Histogram({
        name: 'outbox_relay_batch_duration_seconds',
        help: 'One relay transaction: claim, XADD pipeline, delete, commit.',
        labelNames: ['schema'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
  );
  return {
    published: (count) => published.inc({ schema }, count),
    batchSeconds: (seconds) => duration.observe({ schema }, seconds),
    close() {
      if (gauges.sources.get(schema) !== backlog) return;
      gauges.sources.delete(schema);
      gauges.rows.remove({ schema });
      gauges.age.remove({ schema });
    },
  };
}

function singleMetric<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

function backlogGauges(registry: Registry): BacklogGauges {
  const existing = gaugesByRegistry.get(registry);
  if (existing) return existing;
  const sources = new Map<string, BacklogSource>();
  // Both gauges are collected in one scrape: share one read of every schema.
  let reading: Promise<[string, OutboxBacklog][]> | undefined;
  const read = () => (reading ??= readAll(sources).finally(() => (reading = undefined)));
  const gauges: BacklogGauges = {
    sources,
    rows: new Gauge({
      name: 'outbox_backlog_rows',
      help: 'Outbox rows not yet published.',
      labelNames: ['schema'],
      registers: [registry],
      async collect() {
        for (const [schema, backlog] of await read()) this.set({ schema }, backlog.rows);
      },
    }),
    age: new Gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when empty).',
      labelNames: ['schema'],
      registers: [registry],
      async collect() {
        for (const [schema, backlog] of await read()) this.set({ schema }, backlog.oldestAgeSeconds);
      },
    }),
  };
  gaugesByRegistry.set(registry, gauges);
  return gauges;
}

/** A schema whose read fails keeps its last values rather than failing the whole scrape. */
async function readAll(sources: Map<string, BacklogSource>): Promise<[string, OutboxBacklog][]> {
  const reads = await Promise.allSettled([...sources].map(async ([schema, read]) => [schema, await read()] as const));
  return reads.flatMap((result) =>
    result.status === 'fulfilled' ? [[...result.value] as [string, OutboxBacklog]] : [],
  );
}
