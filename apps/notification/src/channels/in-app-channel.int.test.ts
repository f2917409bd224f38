import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { createRedis } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { createInAppChannel, inboxChannelName } from './in-app-channel.ts';
import { closedPort } from './testing/smtp-servers.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let publisher: Redis;
let subscriber: Redis;

beforeAll(async () => {
  publisher = createRedis(redisUrl, { connectionName: 'notification:test:in-app' });
  subscriber = createRedis(redisUrl, { connectionName: 'notification:test:in-app-sub' });
  await Promise.all([once(publisher, 'ready'), once(subscriber, 'ready')]);
});
afterAll(async () => {
  await Promise.allSettled([publisher.quit(), subscriber.quit()]);
});

const inApp = (tenantId: string, userId: string): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId,
  destination: { channel: 'in_app', userId },
  subject: 'Campaign launched',
  body: '<p>Spring sale is live</p>',
});

describe('in-app channel over Redis pub/sub', () => {
  it('publishes the message on the user inbox channel, stamped with the clock', async () => {
    const [tenantId, userId] = [randomUUID(), randomUUID()];
    const name = inboxChannelName(tenantId, userId);
    expect(name).toBe(`notification:inbox:${tenantId}:${userId}`);
    await subscriber.subscribe(name);
    const received = once(subscriber, 'message') as Promise<[string, string]>;

    const at = new Date('2031-03-04T05:06:07.000Z');
    const message = inApp(tenantId, userId);
    const result = await createInAppChannel({ redis: publisher, now: () => at }).send(message);

    const [channel, text] = await received;
    await subscriber.unsubscribe(name);
    expect(channel).toBe(name);
    expect(JSON.parse(text)).toEqual({
      id: message.messageId,
      subject: 'Campaign launched',
      body: '<p>Spring sale is live</p>',
      createdAt: '2031-03-04T05:06:07.000Z',
    });
    expect(result).toMatchObject({
      status: 'sent',
      attempts: [{ provider: 'inbox', outcome: 'accepted', response: `PUBLISH ${name}: 1 listening`, startedAt: at }],
    });
  });

  it('is accepted when no inbox stream listens', async () => {
    const result = await createInAppChannel({ redis: publisher }).send(inApp(randomUUID(), randomUUID()));
    expect(result).toMatchObject({ status: 'sent', attempts: [{ response: /: 0 listening$/ }] });
  });

  it('fails transiently when Redis cannot be reached', async () => {
    const down = new Redis({
      port: await closedPort(),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      const result = await createInAppChannel({ redis: down }).send(inApp(randomUUID(), randomUUID()));
      expect(result).toMatchObject({
        status: 'transient_failure',
        attempts: [{ provider: 'inbox', outcome: 'transient' }],
      });
    } finally {
      down.disconnect();
    }
  });

  it('refuses a destination that is not a user', async () => {
    const result = await createInAppChannel({ redis: publisher }).send({
      ...inApp(randomUUID(), randomUUID()),
      destination: { channel: 'email', address: 'ada@example.com' },
    });
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ provider: 'none' }] });
  });
});
