import { randomUUID } from 'node:crypto';
import { eventStreamKey } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { relayBatch } from './relay-batch.ts';
import {
  commitEvents,
  deleteNamespace,
  leadEvent,
  outboxCount,
  scratchStore,
  streamEventIds,
  testRedis,
  uniqueNamespace,
  type ScratchStore,
} from './test-support.ts';

const redis = testRedis('relay-batch');
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('relay_batch', {
    ownerUrl: inject('ownerDatabaseUrl'),
    appUrl: inject('appDatabaseUrl'),
    workerUrl: inject('workerDatabaseUrl'),
  });
});

afterAll(async () => {
  await store.drop();
  redis.disconnect();
});

describe('one relay batch', () => {
  it('commits its deletion without waiting for the WAL flush, in its own transaction only', async () => {
    const namespace = uniqueNamespace('relay-batch');
    const events = [leadEvent(randomUUID(), 1), leadEvent(randomUUID(), 1)];
    await commitEvents(store.app, store.schema, namespace, events);
    const client = await store.worker.connect();
    const setting = async () =>
      (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
    try {
      let inBatch: string | undefined;
      const outcome = await relayBatch(client, {
        schema: store.schema,
        redis,
        batchSize: 10,
        transactionIdleTimeoutMs: 30_000,
        beforeCommit: async () => void (inBatch = await setting()),
      });
      expect(outcome).toMatchObject({ kind: 'published', count: 2 });
      expect([inBatch, await setting()]).toEqual(['off', 'on']);
      expect(await streamEventIds(redis, eventStreamKey('lead', namespace))).toEqual(events.map((event) => event.id));
      expect(await outboxCount(store.owner, store.schema)).toBe(0);
    } finally {
      client.release();
      await deleteNamespace(redis, namespace);
    }
  });
});
