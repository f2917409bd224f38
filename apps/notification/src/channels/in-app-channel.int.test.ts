import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createRedis } from '@bizosaas/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { createInAppChannel, inboxChannelName, publishInboxEvent } from './in-app-channel.ts';

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

describe('in-app channel and inbox events', () => {
  it('publishes an inbox event on the user inbox channel', async () => {
    const [tenantId, userId] = [randomUUID(), randomUUID()];
    const name = inboxChannelName(tenantId, userId);
    expect(name).toBe(`notification:inbox:${tenantId}:${userId}`);
    await subscriber.subscribe(name);
    const received = once(subscriber, 'message') as Promise<[string, string]>;

    const event = {
      id: randomUUID(),
      subject: 'Campaign launched',
      body: '<p>Spring sale is live</p>',
      createdAt: '2031-03-04T05:06:07.000Z',
    };
    const listening = await publishInboxEvent(publisher, { tenantId, userId }, event);

    const [channel, text] = await received;
    await subscriber.unsubscribe(name);
    expect(channel).toBe(name);
    expect(JSON.parse(text)).toEqual(event);
    expect(listening).toBe(1);
  });

  it('accepts a message for a user at once: the dispatcher publishes it once the send is recorded', async () => {
    const at = new Date('2031-03-04T05:06:07.000Z');
    const result = await createInAppChannel({ now: () => at }).send(inApp(randomUUID(), randomUUID()));
    expect(result).toEqual({
      status: 'sent',
      attempts: [
        {
          provider: 'inbox',
          outcome: 'accepted',
          providerMessageId: null,
          response: 'stored: the inbox stream is told once the send is recorded',
          latencyMs: 0,
          startedAt: at,
        },
      ],
    });
  });

  it('refuses a destination that is not a user', async () => {
    const result = await createInAppChannel().send({
      ...inApp(randomUUID(), randomUUID()),
      destination: { channel: 'email', address: 'ada@example.com' },
    });
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ provider: 'none' }] });
  });
});
