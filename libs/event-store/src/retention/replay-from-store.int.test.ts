import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, trimSafely } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutboxRelay } from '../outbox/outbox-relay.ts';
import {
  deleteNamespace,
  leadEvent,
  outboxCount,
  scratchStore,
  streamEventIds,
  tenantId,
  testRedis,
  uniqueNamespace,
  waitFor,
  type ScratchStore,
} from '../outbox/test-support.ts';
import { createEventStore } from '../store/create-event-store.ts';
import { replayFromStore } from './replay-from-store.ts';
import { withTransaction } from '@bizosaas/db';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
const redis = testRedis('replay');
const namespace = uniqueNamespace('replay');
const stream = eventStreamKey('lead', namespace);
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('replay', urls);
});

afterAll(async () => {
  await store.drop();
  await deleteNamespace(redis, namespace);
  redis.disconnect();
});

describe('replayFromStore', () => {
  it('brings back what trimSafely removed, from the event store, for a group created after the trim', async () => {
    const events = createEventStore({ schema: store.schema, namespace });
    const appended: DomainEvent[] = [];
    for (const lead of [randomUUID(), randomUUID(), randomUUID()]) {
      const batch = [leadEvent(lead, 1), leadEvent(lead, 2)];
      await withTransaction(
        store.app,
        (client) =>
          events.append(client, {
            tenantId,
            aggregateType: 'lead',
            aggregateId: lead,
            expectedVersion: 0,
            events: batch,
          }),
        { tenantId },
      );
      appended.push(...batch);
    }
    const relay = createOutboxRelay({ pool: store.worker, schema: store.schema, redis, pollIntervalMs: 100 });
    await relay.start();
    await waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'relay to publish');
    await relay.stop();
    expect(await streamEventIds(redis, stream)).toEqual(appended.map((event) => event.id));

    await redis.xgroup('CREATE', stream, 'early', '0');
    const read = (await redis.xreadgroup('GROUP', 'early', 'c', 'STREAMS', stream, '>')) as [
      string,
      [string, string[]][],
    ][];
    await redis.xack(stream, 'early', ...read[0]![1].map(([id]) => id));
    expect((await trimSafely(redis, stream)).trimmed).toBe(5);

    const replayStream = `${stream}:replay:late`;
    const result = await replayFromStore({
      readAll: events.readAll,
      client: store.worker,
      redis,
      aggregateTypes: ['lead'],
      stream: replayStream,
      pageSize: 4,
    });
    expect(result.published).toBe(6);

    const received: DomainEvent[] = [];
    const late = createConsumer({
      redis,
      streams: [replayStream],
      group: 'late',
      consumer: 'c',
      blockMs: 50,
      handler: async (event) => void received.push(event),
    });
    await late.start();
    await waitFor(() => received.length === 6, 'late group to read the replay');
    await late.stop();
    expect(received.map((event) => event.id)).toEqual(appended.map((event) => event.id));
    expect(received.every((event) => event.metadata?.replay === true)).toBe(true);

    const resumed = await replayFromStore({
      readAll: events.readAll,
      client: store.worker,
      redis,
      aggregateTypes: ['lead'],
      stream: replayStream,
      after: result.checkpoint,
    });
    expect(resumed).toEqual({ published: 0, checkpoint: result.checkpoint });
  });
});
