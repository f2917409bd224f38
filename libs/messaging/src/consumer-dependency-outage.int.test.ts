import type { DomainEvent } from '@bizosaas/event-schemas';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createConsumer, type ConsumerOptions } from './consumer.ts';
import type { ConsumerSignal } from './deliver.ts';
import { createPublisher } from './publisher.ts';
import { deadLetterStreamKey, eventStreamKey } from './stream-names.ts';
import {
  deleteNamespace,
  freePort,
  leadCreated,
  tcpProxy,
  testRedis,
  uniqueNamespace,
  waitFor,
} from './test-support.ts';

const namespace = uniqueNamespace('dependency-outage');
const redis = testRedis('dependency-outage');
// Reclaims every 100 ms and gives up after 2 deliveries: an outage of a second or more would
// dead-letter healthy events if failed deliveries during it counted.
const fastRetries = {
  blockMs: 100,
  claimIdleMs: 100,
  claimIntervalMs: 50,
  maxDeliveries: 2,
  pauseBackoff: { initialMs: 50, maxMs: 200 },
};

afterAll(async () => {
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

/** A pool to the test database through a proxy the test takes down; the effect is a query on it. */
async function databaseBehindProxy() {
  const proxy = tcpProxy(await freePort(), inject('ownerDatabaseUrl'));
  await proxy.up();
  const pool = new pg.Pool({ connectionString: proxy.url, max: 2, connectionTimeoutMillis: 1_000 });
  pool.on('error', () => {});
  return { proxy, pool, healthCheck: () => pool.query('SELECT 1') };
}

function consumerOf(
  stream: string,
  name: string,
  options: Partial<ConsumerOptions<DomainEvent>> & Pick<ConsumerOptions<DomainEvent>, 'handler'>,
) {
  const signals: ConsumerSignal[] = [];
  const consumer = createConsumer<DomainEvent>({
    redis,
    streams: [stream],
    group: 'effects',
    consumer: name,
    ...fastRetries,
    ...options,
    onSignal: (signal) => signals.push(signal),
  });
  return { consumer, signals };
}

const deadLettered = (stream: string) => redis.xlen(deadLetterStreamKey(stream));

describe('consumer across a dependency outage', () => {
  it('pauses while its database is down, dead-letters nothing and applies every event once it is back', async () => {
    const { proxy, pool, healthCheck } = await databaseBehindProxy();
    const stream = eventStreamKey('lead', `${namespace}:pg`);
    const publisher = createPublisher({ redis, namespace: `${namespace}:pg` });
    const applied: string[] = [];
    const { consumer, signals } = consumerOf(stream, 'c1', {
      healthCheck,
      handler: async (event) => {
        await pool.query('SELECT 1');
        applied.push(event.id);
      },
    });
    await consumer.start();
    await proxy.down();
    const events = [leadCreated(), leadCreated(), leadCreated()];
    await publisher.publishMany(events);
    await waitFor(() => consumer.status().paused !== undefined, 'the consumer to pause');
    expect(consumer.status().paused?.reason).toMatch(/ECONNREFUSED|connect|terminated/);
    // Far longer than maxDeliveries x claimIdleMs; while paused it neither reads nor claims.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await proxy.up();

    await waitFor(() => events.every((event) => applied.includes(event.id)), 'every event applied after the outage');
    await consumer.stop();
    expect(await deadLettered(stream)).toBe(0);
    expect(applied.sort()).toEqual(events.map((event) => event.id).sort());
    expect(consumer.status().paused).toBeUndefined();
    expect(signals.filter((signal) => signal.kind === 'failed')).toEqual([]);
    expect(signals.some((signal) => signal.kind === 'resumed')).toBe(true);
    await pool.end();
    await proxy.down();
  });

  it('lets another consumer take over what a consumer killed while paused held, without spending deliveries', async () => {
    const { proxy, pool, healthCheck } = await databaseBehindProxy();
    const stream = eventStreamKey('lead', `${namespace}:takeover`);
    const publisher = createPublisher({ redis, namespace: `${namespace}:takeover` });
    const applied: string[] = [];
    const handler = async (event: DomainEvent) => {
      await pool.query('SELECT 1');
      applied.push(event.id);
    };
    // One delivery allowed: a reclaim whose outage delivery counted would dead-letter at once.
    const first = consumerOf(stream, 'c1', { healthCheck, handler, maxDeliveries: 1 });
    await first.consumer.start();
    await proxy.down();
    const events = [leadCreated(), leadCreated()];
    await publisher.publishMany(events);
    await waitFor(() => first.consumer.status().paused !== undefined, 'the first consumer to pause');
    await first.consumer.stop();
    await proxy.up();

    const second = consumerOf(stream, 'c2', { healthCheck, handler, maxDeliveries: 1 });
    await second.consumer.start();
    await waitFor(
      () => events.every((event) => applied.includes(event.id)),
      'the second consumer to apply the held events',
    );
    await second.consumer.stop();
    expect(await deadLettered(stream)).toBe(0);
    await pool.end();
    await proxy.down();
  });

  it('counts a transient error that repeats while the health check passes, and dead-letters the event', async () => {
    const stream = eventStreamKey('lead', `${namespace}:healthy`);
    const publisher = createPublisher({ redis, namespace: `${namespace}:healthy` });
    const { consumer, signals } = consumerOf(stream, 'c1', {
      healthCheck: async () => {},
      handler: async () => {
        throw Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
      },
    });
    await consumer.start();
    await publisher.publish(leadCreated());
    await waitFor(async () => (await deadLettered(stream)) === 1, 'the event to be dead-lettered');
    await consumer.stop();
    expect(signals.some((signal) => signal.kind === 'paused')).toBe(false);
    expect(signals.filter((signal) => signal.kind === 'failed')).toHaveLength(2);
  });
});
