import { once } from 'node:events';
import { setTimeout } from 'node:timers/promises';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { withTransaction } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxChannelName } from '../channels/in-app-channel.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { seedMessage } from './inbox-test-fixtures.ts';
import { createInboxFeature } from './inbox.routes.ts';

let t: TestApp;
let subscriber: Redis;
beforeAll(async () => {
  t = await startTestApp({}, { features: [createInboxFeature()] });
  subscriber = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    connectionName: 'notification:test:inbox-order',
  });
  await once(subscriber, 'ready');
});
afterAll(async () => {
  await Promise.allSettled([subscriber?.quit(), t?.close()]);
});

describe('an in-app message on the inbox stream', () => {
  it('is published only once its delivery committed: the inbox lists it on the event', async () => {
    const caller = await tenantCaller(t.key);
    const tenant = { tenantId: caller.tenantId };
    const ids = await Promise.all(
      [0, 1, 2].map((second) =>
        seedMessage(t.pool, { ...caller, at: new Date(Date.UTC(2031, 0, 1, 0, 0, second)), until: 'scheduled' }),
      ),
    );
    const inbox = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/notifications/inbox', headers: caller.headers }))
        .json<{ items: { id: string }[] }>()
        .items.map((item) => item.id);
    // Each message published, and whether the inbox listed it as soon as its event arrived.
    const seen: [string, boolean][] = [];
    let allSeen = () => {};
    const received = new Promise<void>((resolve) => (allSeen = resolve));
    const listener = (_channel: string, text: string) => {
      const { id } = JSON.parse(text) as { id: string };
      void inbox().then((listed) => {
        seen.push([id, listed.includes(id)]);
        if (seen.length === ids.length) allSeen();
      });
    };
    subscriber.on('message', listener);
    await subscriber.subscribe(inboxChannelName(caller.tenantId, caller.userId));
    try {
      // The dispatcher's record of the sends waits behind this lock on the rows (the queue's
      // foreign key check does not), so an event published before that record commits arrives
      // while it is held.
      await withTransaction(
        t.pool,
        async (client: pg.PoolClient) => {
          await client.query('SELECT id FROM notification.messages WHERE id = ANY($1::uuid[]) FOR NO KEY UPDATE', [
            ids,
          ]);
          await withTransaction(
            t.pool,
            (queue: pg.PoolClient) =>
              queue.query(
                `INSERT INTO notification.delivery_queue (message_id, tenant_id, due_at)
                 SELECT id, $2, now() FROM unnest($1::uuid[]) AS id`,
                [ids, caller.tenantId],
              ),
            tenant,
          );
          await Promise.race([received, setTimeout(1_000)]);
        },
        tenant,
      );
      await received;
      expect(new Map(seen)).toEqual(new Map(ids.map((id) => [id, true])));
    } finally {
      subscriber.off('message', listener);
      await subscriber.unsubscribe();
    }
  });
});
