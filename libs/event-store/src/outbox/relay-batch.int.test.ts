import { randomUUID } from 'node:crypto';
import pg from 'pg';
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

const context = (batchSize: number) => ({ schema: store.schema, redis, batchSize, transactionIdleTimeoutMs: 30_000 });

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
      const { outcome } = await relayBatch(client, {
        ...context(10),
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

  it('chained: the next claim goes with the COMMIT, and the next batch relays what it claimed', async () => {
    const namespace = uniqueNamespace('relay-chain');
    const events = [1, 2, 3].map(() => leadEvent(randomUUID(), 1));
    await commitEvents(store.app, store.schema, namespace, events);
    const client = await store.worker.connect();
    try {
      const counts: number[] = [];
      const first = await relayBatch(client, context(2), undefined, (count) => (counts.push(count), true));
      expect(first.outcome).toMatchObject({ kind: 'published', count: 2 });
      expect(first.next).toBeDefined();
      const second = await relayBatch(client, context(2), first.next, (count) => (counts.push(count), false));
      expect(second).toEqual({ outcome: expect.objectContaining({ kind: 'published', count: 1 }) });
      expect(counts).toEqual([2, 1]);
      expect(await streamEventIds(redis, eventStreamKey('lead', namespace))).toEqual(events.map((event) => event.id));
      expect(await outboxCount(store.owner, store.schema)).toBe(0);
    } finally {
      client.release();
      await deleteNamespace(redis, namespace);
    }
  });

  it('claims and deletes through statements prepared once per connection, on their generic plans', async () => {
    const namespace = uniqueNamespace('relay-prepared');
    const client = new pg.Client({ connectionString: inject('workerDatabaseUrl') });
    await client.connect();
    try {
      // More batches than PostgreSQL's five custom plans before it may settle on a generic one.
      for (let batch = 0; batch < 8; batch += 1) {
        await commitEvents(store.app, store.schema, namespace, [leadEvent(randomUUID(), 1)]);
        expect((await relayBatch(client, context(10))).outcome).toMatchObject({ kind: 'published', count: 1 });
      }
      const { rows } = await client.query<{ statement: string; generic_plans: string; custom_plans: string }>(
        `SELECT substring(name from '^outbox_relay_[a-z]+') AS statement, generic_plans, custom_plans
         FROM pg_prepared_statements ORDER BY 1`,
      );
      expect(rows.map((row) => [row.statement, row.generic_plans, row.custom_plans])).toEqual([
        ['outbox_relay_claim', '8', '0'],
        ['outbox_relay_delete', '8', '0'],
      ]);
      expect(await outboxCount(store.owner, store.schema)).toBe(0);
    } finally {
      await client.end();
      await deleteNamespace(redis, namespace);
    }
  });
});
