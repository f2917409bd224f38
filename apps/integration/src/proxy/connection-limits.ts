import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '@bizosaas/ddd-kernel';
import type { ProviderDefinition } from '../providers/provider.ts';

const RATE_PREFIX = 'integration:proxy:rate';
const cooldownKey = (connectionId: string) => `integration:proxy:cooldown:${connectionId}`;

type RateLimit = ProviderDefinition['rateLimit'];

/** Per-connection limits in Redis, shared by every replica. */
export interface ConnectionLimits {
  /**
   * Takes one token of the connection's bucket; RATE_LIMITED (429, Retry-After) while the
   * connection cools down or its bucket is empty. The provider is not called then.
   */
  admit(connectionId: string, provider: string, rateLimit: RateLimit): Promise<void>;
  /** The provider asked for no calls for `ms` (Retry-After, an exhausted rate-limit window). */
  coolDown(connectionId: string, ms: number): Promise<void>;
}

/**
 * A connection's bucket is rate-limiter-flexible's window in Redis (one atomic INCR with a TTL
 * per call): `burst` tokens that refill every burst/perSecond seconds, so bursts up to `burst`
 * pass and the average stays at perSecond. Whole seconds: the window's TTL is set in seconds.
 */
function bucketOf({ perSecond, burst }: RateLimit): { points: number; duration: number } {
  const duration = Math.max(1, Math.round(burst / perSecond));
  return { points: Math.max(burst, Math.round(perSecond * duration)), duration };
}

export function createConnectionLimits(redis: Redis): ConnectionLimits {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiterOf = (rateLimit: RateLimit) => {
    const { points, duration } = bucketOf(rateLimit);
    const id = `${points}/${duration}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: RATE_PREFIX, points, duration });
      limiters.set(id, limiter);
    }
    return limiter;
  };
  return {
    async admit(connectionId, provider, rateLimit) {
      const coolingMs = await redis.pttl(cooldownKey(connectionId));
      if (coolingMs > 0)
        throw new RateLimitedError(Math.ceil(coolingMs / 1000), {
          connectionId,
          provider,
          reason: 'provider_cooldown',
        });
      try {
        await limiterOf(rateLimit).consume(connectionId);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new RateLimitedError(seconds, { connectionId, provider, reason: 'rate_limit' });
      }
    },
    async coolDown(connectionId, ms) {
      if (ms > 0) await redis.set(cooldownKey(connectionId), '1', 'PX', Math.ceil(ms));
    },
  };
}

/** Removes a connection's bucket and cooldown (a deleted connection leaves nothing in Redis). */
export async function forgetConnectionLimits(redis: Redis, connectionId: string): Promise<void> {
  await redis.del(`${RATE_PREFIX}:${connectionId}`, cooldownKey(connectionId));
}
