// Helpers for integration tests against the real Redis, for this lib and the libs built on it
// (`@bizosaas/messaging/testing`).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from './create-redis.ts';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key namespace no other test file uses. */
export const uniqueNamespace = (label: string) => `test:${label}:${randomUUID().slice(0, 8)}:events`;

export const testRedis = (name: string): Redis =>
  createRedis(redisUrl, { connectionName: `test-${name}`, onError: () => {} });

/** Deletes every key of a namespace (SCAN, never KEYS). */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Polls until `condition` holds; fails after a generous timeout (never asserts on duration). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
