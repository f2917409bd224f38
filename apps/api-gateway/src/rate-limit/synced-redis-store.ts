import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

// The fixed window of @fastify/rate-limit's RedisStore (the first count of a key starts its
// expiry), counting a delta at once. A key without an expiry (ttl < 0) gets one.
const COUNT_BY = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {current, ttl}`;

type CountBy = (key: string, delta: number, windowMs: number) => Promise<[number, number]>;

// ioredis adds a command made by defineCommand to the client as a method answering the script's reply.
const definesCountBy = (redis: Redis): redis is Redis & { rateLimitCountBy: CountBy } =>
  'rateLimitCountBy' in redis && typeof redis.rateLimitCountBy === 'function';

interface Window {
  /** Redis's total for the key at its latest answer (every replica's counts). */
  counted: number;
  /** Counted here, not yet sent. */
  unsent: number;
  /** Sent, not yet answered. */
  sending: number;
  resetAt: number;
  windowMs: number;
}

export interface SyncedStoreOptions {
  redis: Redis;
  /** Key prefix of the counters in Redis. */
  prefix: string;
  /** How long counts may wait here before they are added to Redis's, ms. */
  syncMs: number;
  /** A sync failed (Redis down or slow): its counts stay known here only. */
  onSyncError: (error: unknown) => void;
}

export interface SyncedRedisStore extends FastifyRateLimitStore {
  /** Sends every unsent count now; resolves once Redis has answered. */
  sync(): Promise<void>;
}

/**
 * A store for @fastify/rate-limit whose fixed-window counters live in Redis (shared by every
 * replica) but are not asked for on every request. A key's first request in a window counts in
 * Redis and waits for its answer (so a window's start and the other replicas' counts are
 * known); later requests count here, in memory, and are added to Redis in one INCRBY per key
 * every `syncMs`, whose answer brings the other replicas' counts back. Alone, a replica
 * counts exactly; with others, a key can go over its limit by what the others admitted in the
 * last `syncMs`. Counts left unsent when a window ends are dropped with the window.
 */
export function syncedRedisStore(options: SyncedStoreOptions): SyncedRedisStore {
  const { prefix, syncMs, onSyncError } = options;
  const { redis } = options;
  if (!definesCountBy(redis)) redis.defineCommand('rateLimitCountBy', { numberOfKeys: 1, lua: COUNT_BY });
  if (!definesCountBy(redis)) throw new Error('ioredis did not define the rateLimitCountBy command');
  const countBy: CountBy = (key, delta, windowMs) => redis.rateLimitCountBy(prefix + key, delta, windowMs);

  const windows = new Map<string, Window>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let nextSweep = 0;

  // Ended windows of keys not seen since (addresses that came once) are dropped once a second.
  const sweep = (now: number) => {
    if (now < nextSweep) return;
    nextSweep = now + 1_000;
    for (const [key, window] of windows) if (window.resetAt <= now && window.sending === 0) windows.delete(key);
  };

  const learn = (key: string, current: number, ttl: number, windowMs: number) => {
    const now = Date.now();
    sweep(now);
    const known = windows.get(key);
    if (known && known.resetAt > now) known.counted = Math.max(known.counted, current);
    else windows.set(key, { counted: current, unsent: 0, sending: 0, resetAt: now + ttl, windowMs });
  };

  const send = (key: string, window: Window, now: number): Promise<void> | undefined => {
    if (window.resetAt <= now) return undefined;
    const delta = window.unsent;
    window.unsent = 0;
    window.sending += delta;
    return countBy(key, delta, window.windowMs).then(
      ([current]) => {
        window.sending -= delta;
        window.counted = Math.max(window.counted, current);
      },
      (error: unknown) => {
        // Redis may or may not have counted them; here they stay counted (never counted twice).
        window.sending -= delta;
        window.counted += delta;
        onSyncError(error);
      },
    );
  };

  const sync = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    const sends: Promise<void>[] = [];
    for (const key of dirty) {
      const window = windows.get(key);
      const sent = window && send(key, window, now);
      if (sent) sends.push(sent);
    }
    dirty.clear();
    sweep(now);
    await Promise.all(sends);
  };

  return {
    incr(key, callback, timeWindow) {
      const now = Date.now();
      const window = windows.get(key);
      if (window && window.resetAt > now) {
        window.unsent += 1;
        dirty.add(key);
        timer ??= setTimeout(() => void sync(), syncMs).unref();
        callback(null, { current: window.counted + window.sending + window.unsent, ttl: window.resetAt - now });
        return;
      }
      countBy(key, 1, timeWindow).then(
        ([current, ttl]) => {
          learn(key, current, ttl, timeWindow);
          callback(null, { current, ttl });
        },
        (error: Error) => callback(error),
      );
    },
    child() {
      throw new Error('syncedRedisStore has no per-route children; create one store per limiter');
    },
    sync,
  };
}
