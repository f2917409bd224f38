import { Redis, type RedisOptions } from 'ioredis';

export interface CreateRedisOptions {
  /** Shown by CLIENT LIST; use the service name (and a role such as `:blocking`). */
  connectionName?: string;
  /** Upper bound of the reconnect backoff. Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /**
   * Reconnect attempts a queued command survives before it is rejected. Default 1, so calls
   * fail within a couple of seconds while Redis is down instead of piling up.
   */
  maxRetriesPerRequest?: number;
  /** Connection errors (the client keeps reconnecting); without it ioredis prints them. */
  onError?: (error: Error) => void;
  /** Anything else for ioredis; wins over the defaults above. */
  redisOptions?: RedisOptions;
}

/** Exponential backoff from 50 ms, capped, with up to 20% jitter; never gives up. */
export function reconnectDelay(attempt: number, maxDelayMs = 2_000, random = Math.random): number {
  const base = Math.min(maxDelayMs, 50 * 2 ** Math.min(attempt - 1, 16));
  return Math.round(base * (0.8 + 0.2 * random()));
}

/**
 * An ioredis client with production settings: connects at once (not lazy), reconnects
 * forever with capped backoff, fails queued calls fast while down, keeps TCP alive so a dead
 * peer is noticed, and reconnects on READONLY (a failed-over primary turned replica).
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const redis = new Redis(url, {
    connectionName: options.connectionName,
    lazyConnect: false,
    connectTimeout: 5_000,
    keepAlive: 10_000,
    enableReadyCheck: true,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 1,
    retryStrategy: (attempt) => reconnectDelay(attempt, maxDelay),
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...options.redisOptions,
  });
  if (options.onError) redis.on('error', options.onError);
  return redis;
}
