import type { Redis } from 'ioredis';

export interface BucketLimit {
  /** Most events a tenant may publish at once. */
  burst: number;
  /** Tokens added per second. */
  ratePerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this call. */
  remaining: number;
  /** When not allowed: milliseconds until enough tokens are back. */
  retryAfterMs: number;
}

// Refill by elapsed time (Redis's own clock, so replicas agree), then take `cost` if there is
// enough. The key expires once a full refill would have happened anyway.
const SCRIPT = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, math.floor(tokens), wait}`;

/** A token bucket per key in Redis, one atomic script per take. */
export function createTokenBucket(redis: Redis, prefix: string) {
  return async function take(key: string, limit: BucketLimit, cost = 1): Promise<TakeResult> {
    const [allowed, remaining, wait] = (await redis.eval(
      SCRIPT,
      1,
      `${prefix}${key}`,
      limit.burst,
      limit.ratePerSecond,
      cost,
    )) as [number, number, number];
    return { allowed: allowed === 1, remaining, retryAfterMs: wait };
  };
}
