import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRedis } from './check-redis.ts';
import { createRedis } from './create-redis.ts';
import { freePort, redisProxy, testRedis, waitFor } from './test-support.ts';

const clients: Redis[] = [];
const track = (redis: Redis) => (clients.push(redis), redis);
afterAll(() => clients.forEach((redis) => redis.disconnect()));

// Longer than the test timeout: a probe that waited for it would fail the test.
const NEVER = 120_000;

describe('checkRedis', () => {
  it('resolves against a running Redis', async () => {
    const redis = track(testRedis('check-up'));
    await waitFor(() => redis.status === 'ready', 'connection');
    await expect(checkRedis(redis, NEVER)).resolves.toBeUndefined();
  });

  it('rejects at once when nothing listens, and plain commands fail instead of hanging', async () => {
    const redis = track(createRedis(`redis://127.0.0.1:${await freePort()}`, { onError: () => {} }));
    await expect(checkRedis(redis, NEVER)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(checkRedis(redis, NEVER)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    await expect(redis.get('anything')).rejects.toThrowError();
  });

  it('recovers with the same client when Redis comes back', async () => {
    const port = await freePort();
    const proxy = redisProxy(port);
    await proxy.up();
    const redis = track(createRedis(proxy.url, { onError: () => {}, maxReconnectDelayMs: 200 }));
    await waitFor(() => redis.status === 'ready', 'first connection');
    await checkRedis(redis, NEVER);

    await proxy.down();
    await waitFor(
      () =>
        checkRedis(redis, NEVER).then(
          () => false,
          () => true,
        ),
      'the probe to fail',
    );

    await proxy.up();
    await waitFor(
      () =>
        checkRedis(redis, NEVER).then(
          () => true,
          () => false,
        ),
      'the probe to pass again',
    );
    await proxy.down();
  });
});
