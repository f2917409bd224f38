import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedis } from '@bizosaas/messaging';
import { deleteNamespace, testRedis } from '@bizosaas/messaging/testing';
import { syncedRedisStore, type SyncedStoreOptions } from './synced-redis-store.ts';

const redis = testRedis('api-gateway');
const prefix = `test:synced-store:${randomUUID().slice(0, 8)}:`;
const WINDOW = 60_000;

afterEach(async () => {
  await deleteNamespace(redis, prefix);
});
afterAll(() => {
  redis.disconnect();
});

const store = (options: Partial<SyncedStoreOptions> = {}) =>
  syncedRedisStore({ redis, prefix, syncMs: 10_000, onSyncError: () => {}, ...options });

type Store = ReturnType<typeof store>;
const incr = (into: Store, key: string, windowMs = WINDOW) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    into.incr(key, (error, result) => (error ? reject(error) : resolve(result!)), windowMs, 100),
  );
const counts = async (into: Store, key: string, times: number, windowMs = WINDOW) => {
  const seen: number[] = [];
  for (let i = 0; i < times; i += 1) seen.push((await incr(into, key, windowMs)).current);
  return seen;
};
const inRedis = async (key: string) => Number(await redis.get(prefix + key));

describe('syncedRedisStore', () => {
  it('counts every request of one replica exactly, and adds them to Redis on sync', async () => {
    const one = store();
    expect(await counts(one, 'tenant-a', 5)).toEqual([1, 2, 3, 4, 5]);
    // Only the window's first request has reached Redis so far.
    expect(await inRedis('tenant-a')).toBe(1);
    await one.sync();
    expect(await inRedis('tenant-a')).toBe(5);
    const ttl = await redis.pttl(prefix + 'tenant-a');
    expect(ttl).toBeGreaterThan(WINDOW - 5_000);
    expect(ttl).toBeLessThanOrEqual(WINDOW);
    expect((await incr(one, 'tenant-a')).ttl).toBeLessThanOrEqual(WINDOW);
  });

  it('syncs by itself every syncMs', async () => {
    const one = store({ syncMs: 20 });
    await counts(one, 'tenant-b', 4);
    await expect.poll(() => inRedis('tenant-b'), { timeout: 2_000 }).toBe(4);
  });

  it("shares one budget between replicas: each learns the others' counts when it syncs", async () => {
    const a = store();
    const b = store();
    await counts(a, 'shared', 3);
    await a.sync();
    // B's first request of the window asks Redis, so it starts from A's three.
    expect(await counts(b, 'shared', 2)).toEqual([4, 5]);
    await b.sync();
    // A has not heard of B's two yet; its next sync brings them.
    expect((await incr(a, 'shared')).current).toBe(4);
    await a.sync();
    expect((await incr(a, 'shared')).current).toBe(7);
    await a.sync();
    expect(await inRedis('shared')).toBe(7);
  });

  it('keeps keys apart', async () => {
    const one = store();
    await counts(one, 'x', 3);
    expect(await counts(one, 'y', 1)).toEqual([1]);
  });

  it('starts a new window, in Redis and here, once the old one ended', async () => {
    const one = store();
    expect(await counts(one, 'short', 3, 150)).toEqual([1, 2, 3]);
    await sleep(250);
    // The ended window's unsent counts are dropped, not added to the new window.
    expect(await counts(one, 'short', 2, 150)).toEqual([1, 2]);
    await one.sync();
    expect(await inRedis('short')).toBe(2);
  });

  it('keeps counting here when a sync fails, and reports the failure', async () => {
    const flaky = createRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
      onError: () => {},
      redisOptions: { enableOfflineQueue: false, commandTimeout: 200 },
    });
    const failures: unknown[] = [];
    try {
      await flaky.ping().catch(() => sleep(200).then(() => flaky.ping()));
      const one = syncedRedisStore({
        redis: flaky,
        prefix,
        syncMs: 10_000,
        onSyncError: (error) => failures.push(error),
      });
      expect(await counts(one, 'flaky', 2)).toEqual([1, 2]);
      flaky.disconnect();
      expect(await counts(one, 'flaky', 2)).toEqual([3, 4]);
      await one.sync();
      expect(failures).toHaveLength(1);
      // The counts that did not reach Redis still count here.
      expect((await incr(one, 'flaky')).current).toBe(5);
    } finally {
      flaky.disconnect();
    }
  });

  it("refuses a key's first request of a window when Redis cannot be asked", async () => {
    const down = createRedis('redis://127.0.0.1:1', { onError: () => {}, redisOptions: { enableOfflineQueue: false } });
    try {
      const one = syncedRedisStore({ redis: down, prefix, syncMs: 10_000, onSyncError: () => {} });
      await expect(incr(one, 'k')).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});
