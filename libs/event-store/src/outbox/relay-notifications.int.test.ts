import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventStreamKey } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOutboxNotifier } from '../notifications/outbox-notifier.ts';
import { outboxChannel } from '../schema/event-store-ddl.ts';
import { createOutboxRelay } from './outbox-relay.ts';
import {
  commitEvents,
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

const redis = testRedis('relay-notifications');
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('relay_notify', {
    ownerUrl: inject('ownerDatabaseUrl'),
    appUrl: inject('appDatabaseUrl'),
    workerUrl: inject('workerDatabaseUrl'),
  });
});

afterAll(async () => {
  await store.drop();
  redis.disconnect();
});

describe('the relay and NOTIFY', () => {
  it("ignores the NOTIFYs of the notifier that wakes it in-process, and wakes on another's", async () => {
    const namespace = uniqueNamespace('relay-notify');
    const stream = eventStreamKey('lead', namespace);
    const own = createOutboxNotifier({ pool: store.app, schema: store.schema });
    const other = createOutboxNotifier({ pool: store.app, schema: store.schema });
    const relay = createOutboxRelay({
      pool: store.worker,
      schema: store.schema,
      redis,
      pollIntervalMs: 600_000,
      ignoreNotificationsFrom: own.origin,
    });
    // A listener of its own shows when a NOTIFY has been delivered (to the relay's as well).
    const listener = await store.worker.connect();
    const delivered: string[] = [];
    listener.on('notification', (message) => delivered.push(message.payload ?? ''));
    await listener.query(`LISTEN "${outboxChannel(store.schema)}"`);
    await relay.start();
    try {
      await waitFor(async () => (await outboxCount(store.owner, store.schema)) === 0, 'first pass');
      const event = leadEvent(randomUUID(), 1);
      await commitEvents(store.app, store.schema, namespace, [event]);

      own.notify(); // nothing subscribed in-process: only its NOTIFY goes out
      await waitFor(() => delivered.includes(own.origin), 'own NOTIFY delivered');
      await sleep(200);
      expect(await outboxCount(store.owner, store.schema)).toBe(1);

      other.notify();
      await waitFor(async () => (await streamEventIds(redis, stream)).includes(event.id), 'woken by the other');
      expect(delivered).toEqual([own.origin, other.origin]);
    } finally {
      await relay.stop();
      listener.release(true);
      await deleteNamespace(redis, namespace);
    }
  });
});
