import { randomUUID } from 'node:crypto';
import { parseEvent, type DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, ENVELOPE_FIELD, eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutboxRelay, type OutboxRelay } from './outbox-relay.ts';
import { createOutboxNotifier } from '../notifications/outbox-notifier.ts';
import {
  commitEvents,
  commitMessages,
  deleteNamespace,
  leadEvent,
  outboxCount,
  scratchStore,
  streamEventIds,
  testRedis,
  uniqueNamespace,
  waitFor,
  type ScratchStore,
} from './test-support.ts';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
const redis = testRedis('outbox-relay');
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('relay', urls);
});

afterAll(async () => {
  await store.drop();
  redis.disconnect();
});

/** A fresh namespace per test, so each test reads only its own stream. */
async function withNamespace(work: (namespace: string, stream: string) => Promise<void>) {
  const namespace = uniqueNamespace('relay');
  try {
    await work(namespace, eventStreamKey('lead', namespace));
  } finally {
    await deleteNamespace(redis, namespace);
  }
}

async function running<T>(relays: OutboxRelay[], work: () => Promise<T>): Promise<T> {
  await Promise.all(relays.map((relay) => relay.start()));
  try {
    return await work();
  } finally {
    await Promise.all(relays.map((relay) => relay.stop()));
  }
}

/** Versions 1..versions of `aggregates` new leads, interleaved: v1 of each, then v2 of each, ... */
function interleaved(aggregates: number, versions: number): DomainEvent[] {
  const ids = Array.from({ length: aggregates }, () => randomUUID());
  return Array.from({ length: versions }, (_, v) => ids.map((id) => leadEvent(id, v + 1))).flat();
}

/** For each aggregate, the versions in the order of their first appearance on the stream. */
async function firstSeenVersions(stream: string): Promise<Map<string, number[]>> {
  const seen = new Set<string>();
  const versions = new Map<string, number[]>();
  for (const [, fields] of (await redis.xrange(stream, '-', '+')) as [string, string[]][]) {
    const event = parseEvent(JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!));
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    versions.set(event.aggregateId, [...(versions.get(event.aggregateId) ?? []), event.aggregateVersion]);
  }
  return versions;
}

const metricValue = async (registry: Registry, name: string) => {
  const metric = registry.getSingleMetric(name);
  const { values } = await metric!.get();
  return values.find((v) => v.labels.schema === store.schema && !('le' in v.labels))?.value;
};

describe('outbox relay', () => {
  it('publishes committed rows in position order as entries the messaging consumer parses, and empties the outbox', async () => {
    await withNamespace(async (namespace, stream) => {
      const events = interleaved(4, 5);
      for (let i = 0; i < events.length; i += 7)
        await commitEvents(store.app, store.schema, namespace, events.slice(i, i + 7));
      const relay = createOutboxRelay({
        pool: store.worker,
        schema: store.schema,
        redis,
        batchSize: 6,
        pollIntervalMs: 600_000,
      });

      await running([relay], () =>
        waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'empty outbox'),
      );

      expect(await streamEventIds(redis, stream)).toEqual(events.map((event) => event.id));
      const received: DomainEvent[] = [];
      const consumer = createConsumer({
        redis,
        streams: [stream],
        group: 'check',
        consumer: 'c1',
        blockMs: 100,
        handler: async (event) => void received.push(event),
      });
      await consumer.start();
      await waitFor(() => received.length === events.length, 'consumer to read every event');
      await consumer.stop();
      expect(received).toEqual(events);
    });
  });

  it('publishes rows that carry their own envelope (no event row) in position order among appended events', async () => {
    await withNamespace(async (namespace, stream) => {
      const [appended, messages, later] = [interleaved(2, 1), interleaved(2, 1), interleaved(1, 1)];
      await commitEvents(store.app, store.schema, namespace, appended);
      await commitMessages(store.app, store.schema, namespace, messages);
      await commitEvents(store.app, store.schema, namespace, later);
      const relay = createOutboxRelay({ pool: store.worker, schema: store.schema, redis, pollIntervalMs: 600_000 });

      await running([relay], () =>
        waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'empty outbox'),
      );

      const published = ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([, fields]) =>
        parseEvent(JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!)),
      );
      expect(published).toEqual([...appended, ...messages, ...later]);
    });
  });

  // The relay's own notifier wakes it in-process (relay.wake); other replicas' notifiers through NOTIFY.
  it.each([
    [
      'by NOTIFY (a writer in another process)',
      (_relay: OutboxRelay) => createOutboxNotifier({ pool: store.app, schema: store.schema }).notify,
    ],
    ['in-process by wake(), with no NOTIFY', (relay: OutboxRelay) => relay.wake],
  ])(
    'is woken %s: rows committed after it went idle arrive although the poll interval is ten minutes',
    async (_how, wakeUp) => {
      await withNamespace(async (namespace, stream) => {
        const relay = createOutboxRelay({ pool: store.worker, schema: store.schema, redis, pollIntervalMs: 600_000 });
        const wake = wakeUp(relay);
        await running([relay], async () => {
          // Once the first pass has found the outbox empty, the relay waits.
          await waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'first pass');
          for (let round = 0; round < 3; round++) {
            const later = interleaved(2, 1);
            await commitEvents(store.app, store.schema, namespace, later);
            wake();
            await waitFor(
              async () => (await streamEventIds(redis, stream)).includes(later[1]!.id),
              `woken round ${round}`,
            );
          }
        });
        expect(await streamEventIds(redis, stream)).toHaveLength(6);
      });
    },
  );

  it('reports backlog, age of the oldest row, published total and batch duration on the registry', async () => {
    await withNamespace(async (namespace) => {
      const registry = new Registry();
      const events = interleaved(3, 3);
      await commitEvents(store.app, store.schema, namespace, events);
      const relay = createOutboxRelay({
        pool: store.worker,
        schema: store.schema,
        redis,
        pollIntervalMs: 600_000,
        metrics: registry,
      });

      expect(await metricValue(registry, 'outbox_backlog_rows')).toBe(9);
      expect(await metricValue(registry, 'outbox_oldest_age_seconds')).toBeGreaterThan(0);
      await running([relay], async () => {
        await waitFor(async () => (await metricValue(registry, 'outbox_backlog_rows')) === 0, 'backlog gauge at 0');
        expect(await metricValue(registry, 'outbox_oldest_age_seconds')).toBe(0);
        expect(await metricValue(registry, 'outbox_published_total')).toBe(9);
        const text = await registry.metrics();
        expect(text).toContain(`outbox_relay_batch_duration_seconds_count{schema="${store.schema}"} 1`);
        expect(text).toContain(`outbox_backlog_rows{schema="${store.schema}"} 0`);
      });
    });
  });

  it('two relays at once: every event published exactly once, each aggregate in version order', async () => {
    await withNamespace(async (namespace, stream) => {
      // A random pause between XADD and COMMIT widens the window in which a second relay could interleave.
      const beforeCommit = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 4));
      // Each relay with its own Redis connection, as replicas have.
      const connections = [1, 2].map((n) => testRedis(`relay-${n}`));
      const relays = connections.map((connection) =>
        createOutboxRelay({
          pool: store.worker,
          schema: store.schema,
          redis: connection,
          batchSize: 5,
          pollIntervalMs: 50,
          beforeCommit,
        }),
      );
      const producers = 4;
      const versions = 12;
      /** Small transactions from concurrent producers: positions interleave across them. */
      const produce = () =>
        Promise.all(
          Array.from({ length: producers }, async () => {
            const events = interleaved(3, versions);
            for (let i = 0; i < events.length; i += 2)
              await commitEvents(store.app, store.schema, namespace, events.slice(i, i + 2));
            return events;
          }),
        );
      const backlog = await produce(); // both relays start on a full outbox
      const all = await running(relays, async () => {
        const live = await produce();
        await waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'empty outbox');
        return [...backlog, ...live].flat();
      });
      for (const connection of connections) connection.disconnect();

      const ids = await streamEventIds(redis, stream);
      expect(ids).toHaveLength(all.length);
      expect(new Set(ids)).toEqual(new Set(all.map((event) => event.id)));
      const order = await firstSeenVersions(stream);
      expect(order.size).toBe(2 * producers * 3);
      for (const seen of order.values()) expect(seen).toEqual(Array.from({ length: versions }, (_, v) => v + 1));
    });
  });

  it('stop() finishes the batch in hand (published rows deleted) and takes no further batch', async () => {
    await withNamespace(async (namespace, stream) => {
      const events = interleaved(3, 4);
      await commitEvents(store.app, store.schema, namespace, events);
      let reached!: () => void;
      const inBatch = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const relay = createOutboxRelay({
        pool: store.worker,
        schema: store.schema,
        redis,
        batchSize: 5,
        pollIntervalMs: 600_000,
        async beforeCommit() {
          reached();
          await gate;
        },
      });
      await relay.start();
      await inBatch;
      let stopped = false;
      const stopping = relay.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped).toBe(false); // held by the batch in hand
      release();
      await stopping;

      expect(await streamEventIds(redis, stream)).toEqual(events.slice(0, 5).map((event) => event.id));
      expect(await outboxCount(store.owner, store.schema)).toBe(7);
      const drain = createOutboxRelay({ pool: store.worker, schema: store.schema, redis, pollIntervalMs: 600_000 });
      await running([drain], () => waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'drain'));
    });
  });
});
