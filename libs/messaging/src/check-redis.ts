import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { Redis } from 'ioredis';

/**
 * Readiness probe: resolves when Redis answers PING within `timeoutMs`. Rejects at once while
 * the client is not connected (so the offline queue never makes it wait) and recovers by
 * itself when the client reconnects.
 *
 * @throws ServiceUnavailableError (503)
 */
export async function checkRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  if (redis.status !== 'ready') {
    throw new ServiceUnavailableError('Redis is not connected', { status: redis.status });
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ServiceUnavailableError('Redis did not answer PING in time', { timeoutMs })),
      timeoutMs,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (error) {
    if (error instanceof ServiceUnavailableError) throw error;
    throw new ServiceUnavailableError('Redis PING failed', { reason: (error as Error).message });
  } finally {
    clearTimeout(timer);
  }
}
