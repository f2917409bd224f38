import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@bizosaas/event-schemas';
import {
  createConsumer,
  createPublisher,
  DEAD_LETTER_FIELDS,
  deadLetterStreamKey,
  eventStreamKey,
  fieldValue,
  type Delivery,
} from '@bizosaas/messaging';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  deleteNamespace,
  leadEvent,
  scratchStore,
  tenantId,
  testRedis,
  uniqueNamespace,
  waitFor,
  type ScratchStore,
} from '../outbox/test-support.ts';
import { createInboxHandler } from './inbox-handler.ts';
import { applyEffect, createEffectTables, effectCounts, inboxCount } from './inbox-test-support.ts';

const urls = {
  ownerUrl: inject('ownerDatabaseUrl'),
  appUrl: inject('appDatabaseUrl'),
  workerUrl: inject('workerDatabaseUrl'),
};
const redis = testRedis('inbox');
const namespace = uniqueNamespace('inbox');
const publisher = createPublisher({ redis, namespace });
let store: ScratchStore;

beforeAll(async () => {
  store = await scratchStore('inbox', urls);
  await createEffectTables(store);
  await store.owner.query(`INSERT INTO ${store.schema}.counters (id, tenant_id) VALUES (1, $1), (2, $1)`, [tenantId]);
});

afterAll(async () => {
  await store.drop();
  await deleteNamespace(redis, namespace);
  redis.disconnect();
});

/** Fields of the only dead-letter entry of `stream`. */
async function deadLetterFields(stream: string): Promise<string[]> {
  const entries = (await redis.xrange(deadLetterStreamKey(stream), '-', '+')) as [string, string[]][];
  expect(entries).toHaveLength(1);
  return entries[0]![1];
}

const delivery = (deliveryCount = 1): Delivery => ({
  stream: 's',
  entryId: '1-0',
  deliveryCount,
  group: 'g',
  consumer: 'c',
});
const newLead = () => leadEvent(randomUUID(), 1);

/** Holds a row lock on counters row `id` from another session until release() is called. */
async function holdCounterLock(id: number) {
  const client = await store.owner.connect();
  await client.query('BEGIN');
  await client.query(`SELECT n FROM ${store.schema}.counters WHERE id = $1 FOR UPDATE`, [id]);
  return async () => {
    await client.query('COMMIT');
    client.release();
  };
}

describe('createInboxHandler', () => {
  it('applies an effect once however often and however concurrently the event is delivered', async () => {
    const consumer = `once-${randomUUID()}`;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer,
      handle: (event, client, d) => applyEffect(client, store.schema, event, d.deliveryCount),
    });
    const event = newLead();
    await handler(event, delivery(1));
    await Promise.all([2, 3, 4].map((n) => handler(event, delivery(n))));

    expect((await effectCounts(store)).get(event.id)).toBe(1);
    expect(await inboxCount(store, consumer)).toBe(1);
  });

  it('rolls the inbox record back with a failed effect, so a later delivery applies it', async () => {
    const consumer = `rollback-${randomUUID()}`;
    let fail = true;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer,
      handle: async (event, client, d) => {
        await applyEffect(client, store.schema, event, d.deliveryCount);
        if (fail) throw new Error('projection bug');
      },
    });
    const event = newLead();
    await expect(handler(event, delivery(1))).rejects.toThrow('projection bug');
    expect((await effectCounts(store)).get(event.id)).toBeUndefined();
    expect(await inboxCount(store, consumer)).toBe(0);

    fail = false;
    await handler(event, delivery(2));
    expect((await effectCounts(store)).get(event.id)).toBe(1);
  });

  it('does not acknowledge when the handler swallowed an SQL error (COMMIT would roll back)', async () => {
    const consumer = `swallowed-${randomUUID()}`;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer,
      retry: false,
      handle: async (event, client) => {
        await applyEffect(client, store.schema, event, 1);
        await client.query('SELECT 1 / 0').catch(() => {});
      },
    });
    await expect(handler(newLead(), delivery())).rejects.toThrow('rolled back');
    expect(await inboxCount(store, consumer)).toBe(0);
  });

  it('runs the effect under the event tenant: RLS keeps it from touching another tenant', async () => {
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: `rls-${randomUUID()}`,
      retry: false,
      handle: (event, client) => applyEffect(client, store.schema, { ...event, tenantId: randomUUID() }, 1),
    });
    await expect(handler(newLead(), delivery())).rejects.toThrow(/row-level security/);
  });

  it('refuses an event whose id or tenant is not a UUID before running anything (the ids are inlined in the inbox SQL)', async () => {
    let ran = 0;
    const consumer = `ids-${randomUUID()}`;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer,
      retry: false,
      handle: async () => void (ran += 1),
    });
    await expect(handler({ ...newLead(), id: "x'); DROP TABLE inbox; --" }, delivery())).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Event has an invalid id',
    });
    await expect(handler({ ...newLead(), tenantId: 'nope' }, delivery())).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: 'Event has an invalid tenantId',
    });
    expect(ran).toBe(0);
    expect(await inboxCount(store, consumer)).toBe(0);
  });

  it('retries a transient error (a real lock timeout) in process with backoff, then succeeds once', async () => {
    const release = await holdCounterLock(1);
    let attempts = 0;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: `retry-${randomUUID()}`,
      lockTimeoutMs: 50,
      retry: { maxRetries: 20, initialDelayMs: 10, maxDelayMs: 50 },
      handle: async (event, client) => {
        attempts += 1;
        if (attempts === 2) await release(); // the lock goes away after the first timeout
        await client.query(`UPDATE ${store.schema}.counters SET n = n + 1 WHERE id = 1`);
        await applyEffect(client, store.schema, event, 1);
      },
    });
    const event = newLead();
    await handler(event, delivery());

    expect(attempts).toBe(2);
    const { rows } = await store.owner.query(`SELECT n FROM ${store.schema}.counters WHERE id = 1`);
    expect(rows[0].n).toBe(1);
    expect((await effectCounts(store)).get(event.id)).toBe(1);
  });

  it('does not retry a non-transient error in process', async () => {
    let attempts = 0;
    const handler = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: `bug-${randomUUID()}`,
      retry: { maxRetries: 5, initialDelayMs: 1 },
      handle: async () => {
        attempts += 1;
        throw new pg.DatabaseError('null value in column "x"', 0, 'error');
      },
    });
    await expect(handler(newLead(), delivery())).rejects.toThrow('null value');
    expect(attempts).toBe(1);
  });
});

describe('inbox handler under a messaging consumer', () => {
  const runConsumer = async (
    stream: string,
    group: string,
    handler: (e: DomainEvent, d: Delivery) => Promise<void>,
    until: () => Promise<boolean>,
  ) => {
    const consumer = createConsumer({
      redis,
      streams: [stream],
      group,
      consumer: 'c1',
      handler,
      blockMs: 50,
      claimIdleMs: 50,
      claimIntervalMs: 50,
      maxDeliveries: 3,
    });
    await consumer.start();
    try {
      await waitFor(until, `consumer ${group}`);
    } finally {
      await consumer.stop();
    }
  };

  it('a republished event (relay duplicate) changes nothing the second time', async () => {
    const stream = eventStreamKey('lead', namespace);
    const group = `dup-${randomUUID()}`;
    const event = newLead();
    await publisher.publishMany([event, event, event]);
    let handled = 0;
    const inbox = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: group,
      handle: (e, client, d) => applyEffect(client, store.schema, e, d.deliveryCount),
    });
    await runConsumer(
      stream,
      group,
      async (e, d) => {
        await inbox(e, d);
        handled += 1;
      },
      async () => handled === 3,
    );

    expect((await effectCounts(store)).get(event.id)).toBe(1);
    expect((await redis.xpending(stream, group))[0]).toBe(0);
  });

  it('a poison event is dead-lettered after maxDeliveries with its error; its neighbours are applied', async () => {
    const stream = eventStreamKey('lead', `${namespace}:poison`);
    const group = `poison-${randomUUID()}`;
    const [before, poison, after] = [newLead(), newLead(), newLead()];
    await createPublisher({ redis, namespace: `${namespace}:poison` }).publishMany([before, poison, after]);
    let poisonAttempts = 0;
    const inbox = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: group,
      handle: async (e, client, d) => {
        await applyEffect(client, store.schema, e, d.deliveryCount);
        if (e.id === poison.id) {
          poisonAttempts += 1;
          throw new Error(`cannot project lead ${e.aggregateId}`);
        }
      },
    });
    await runConsumer(stream, group, inbox, async () => (await redis.xlen(deadLetterStreamKey(stream))) === 1);

    const fields = await deadLetterFields(stream);
    expect(fieldValue(fields, 'id')).toBe(poison.id);
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.error)).toBe(`cannot project lead ${poison.aggregateId}`);
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.deliveries)).toBe('3');
    expect(poisonAttempts).toBe(3); // not transient: no in-process retries
    const effects = await effectCounts(store);
    expect([effects.get(before.id), effects.get(poison.id), effects.get(after.id)]).toEqual([1, undefined, 1]);
    expect((await redis.xpending(stream, group))[0]).toBe(0);
  });

  it('a persistently transient failure is retried in process on each delivery, then dead-lettered with the error', async () => {
    const stream = eventStreamKey('lead', `${namespace}:locked`);
    const group = `locked-${randomUUID()}`;
    const event = newLead();
    await createPublisher({ redis, namespace: `${namespace}:locked` }).publish(event);
    const release = await holdCounterLock(2);
    let attempts = 0;
    const inbox = createInboxHandler({
      pool: store.app,
      schema: store.schema,
      consumer: group,
      lockTimeoutMs: 20,
      retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 },
      handle: async (_e, client) => {
        attempts += 1;
        await client.query(`UPDATE ${store.schema}.counters SET n = n + 1 WHERE id = 2`);
      },
    });
    try {
      await runConsumer(stream, group, inbox, async () => (await redis.xlen(deadLetterStreamKey(stream))) === 1);
    } finally {
      await release();
    }
    const fields = await deadLetterFields(stream);
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.error)).toBe('canceling statement due to lock timeout');
    expect(attempts).toBe(3 * 3); // 3 deliveries x (1 attempt + 2 retries)
    expect(await inboxCount(store, group)).toBe(0);
  });
});
