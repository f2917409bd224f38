import type { DomainEvent } from '@bizosaas/event-schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { createConsumer } from './consumer.ts';
import { createRedis } from './create-redis.ts';
import type { ConsumerSignal } from './deliver.ts';
import { createPublisher } from './publisher.ts';
import { eventStreamKey } from './stream-names.ts';
import {
  deleteNamespace,
  freePort,
  leadCreated,
  redisProxy,
  testRedis,
  uniqueNamespace,
  waitFor,
} from './test-support.ts';

const namespace = uniqueNamespace('consumer-outage');
const direct = testRedis('consumer-outage');

afterAll(async () => {
  await deleteNamespace(direct, namespace);
  await direct.quit();
});

describe('consumer across a Redis outage', () => {
  it('keeps running while Redis is unreachable and handles what was published meanwhile', async () => {
    const proxy = redisProxy(await freePort());
    await proxy.up();
    const redis = createRedis(proxy.url, {
      connectionName: 'test-outage',
      onError: () => {},
      maxReconnectDelayMs: 200,
    });
    const stream = eventStreamKey('lead', namespace);
    const handled: string[] = [];
    const signals: ConsumerSignal[] = [];
    const consumer = createConsumer<DomainEvent>({
      redis,
      streams: [stream],
      group: 'outage',
      consumer: 'c1',
      blockMs: 100,
      claimIdleMs: 500,
      claimIntervalMs: 100,
      handler: async (event) => void handled.push(event.id),
      onSignal: (signal) => signals.push(signal),
    });
    await consumer.start();
    const publisher = createPublisher({ redis: direct, namespace });
    const before = leadCreated();
    await publisher.publish(before);
    await waitFor(() => handled.includes(before.id), 'the first event');

    await proxy.down();
    await waitFor(() => signals.some((signal) => signal.kind === 'error'), 'the consumer to notice');
    const during = [leadCreated(), leadCreated()];
    await publisher.publishMany(during);
    await proxy.up();

    await waitFor(() => during.every((event) => handled.includes(event.id)), 'the events published during the outage');
    await consumer.stop();
    expect(new Set(handled).size).toBe(handled.length);
    expect(Number(((await direct.xpending(stream, 'outage')) as [number])[0])).toBe(0);
    redis.disconnect();
    await proxy.down();
  });
});
