import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { SubscriptionPlan } from '@bizosaas/auth';
import { RateLimitedError } from '@bizosaas/ddd-kernel';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import { syncedRedisStore, type SyncedRedisStore } from './synced-redis-store.ts';

/** Which budget a request is counted against. */
export type LimitScope = 'ip' | 'credentials' | 'tenant';

export interface RateLimitOptions {
  redis: Redis;
  /** Key prefix; counters live at `<prefix><scope>:<ip or tenant id>`. */
  prefix: string;
  windowMs: number;
  /** How long the address and tenant counts may wait before they reach Redis (0: every request asks Redis), ms. */
  syncMs: number;
  perIp: number;
  credentialsPerIp: number;
  planLimits: Record<SubscriptionPlan, number>;
  metrics: GatewayMetrics;
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type Counted = Extract<Awaited<ReturnType<Limiter>>, { isAllowed: false }>;

/** Counts one request against every scope; throws RATE_LIMITED for the first exceeded one in the order given. */
export interface RateLimits {
  check(request: FastifyRequest, reply: FastifyReply, scopes: readonly LimitScope[]): Promise<void>;
}

/**
 * One @fastify/rate-limit limiter (fixed window) per scope, each registered in its own child
 * context so each gets its own key prefix: the plugin's Redis store (one INCR+PEXPIRE script per
 * check) or a synced one, whose unsent counts go to Redis when the app closes (main.ts closes
 * the client after that).
 */
async function createLimiter(
  app: FastifyInstance,
  redis: Redis,
  nameSpace: string,
  options: object,
  synced?: SyncedRedisStore,
): Promise<Limiter> {
  let limiter: Limiter | undefined;
  await app.register(async (child) => {
    const store = synced && { store: constructing(synced) };
    await child.register(rateLimit, { global: false, redis, nameSpace, skipOnError: false, ...options, ...store });
    if (synced) child.addHook('onClose', () => synced.sync());
    limiter = child.createRateLimit();
  });
  return limiter!;
}

// The plugin constructs its store itself (`new Store(options)`); each instance hands its calls to the one store.
const constructing = (store: SyncedRedisStore): FastifyRateLimitStoreCtor =>
  class ExistingStore implements FastifyRateLimitStore {
    incr: FastifyRateLimitStore['incr'] = (key, callback, timeWindow, max) =>
      store.incr(key, callback, timeWindow, max);
    child: FastifyRateLimitStore['child'] = (routeOptions) => store.child(routeOptions);
  };

/**
 * Per-address limits (every forwarded request, and a small budget for credential routes) and
 * per-tenant limits by subscription plan, in Redis so every gateway replica shares them. The
 * address and tenant budgets are synced stores (a request waits for Redis only when it is its
 * key's first of a window); the credential budget asks Redis on every attempt.
 * Redis being down or slow must not take the platform down: the request goes through and a
 * warning is logged (at most every 10 s).
 */
export async function createRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<RateLimits> {
  const { redis, prefix, windowMs, metrics } = options;
  let lastWarning = 0;
  const warn = (log: FastifyInstance['log'], err: unknown, scope: LimitScope, message: string) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    log.warn({ err, scope }, message);
  };
  const failOpen = (request: FastifyRequest, scope: LimitScope, err: unknown) => {
    metrics.rateLimitFailedOpen(scope);
    warn(request.log, err, scope, 'rate limiter unavailable (Redis); letting requests through');
  };
  // The busy budgets count here between syncs; login attempts always ask Redis (exact across replicas).
  const syncedStore = (scope: LimitScope) =>
    options.syncMs === 0
      ? undefined
      : syncedRedisStore({
          redis,
          prefix: `${prefix}${scope}:`,
          syncMs: options.syncMs,
          onSyncError: (err) => {
            metrics.rateLimitSyncFailed(scope);
            warn(app.log, err, scope, 'rate limit counts not synced to Redis; counting in this replica only');
          },
        });
  const limiters: Record<LimitScope, Limiter> = {
    ip: await createLimiter(
      app,
      redis,
      `${prefix}ip:`,
      { max: options.perIp, timeWindow: windowMs },
      syncedStore('ip'),
    ),
    credentials: await createLimiter(app, redis, `${prefix}credentials:`, {
      max: options.credentialsPerIp,
      timeWindow: windowMs,
    }),
    tenant: await createLimiter(
      app,
      redis,
      `${prefix}tenant:`,
      {
        max: (request: FastifyRequest) => options.planLimits[request.principal?.plan ?? 'free'],
        timeWindow: windowMs,
        keyGenerator: (request: FastifyRequest) => request.principal?.tenantId ?? 'anonymous',
      },
      syncedStore('tenant'),
    ),
  };

  return {
    async check(request, reply, scopes) {
      // Every scope is counted at once: the Redis client pipelines commands of one tick, so the
      // budgets that ask Redis cost one round trip. A refused request has been counted against each.
      const results = await Promise.all(
        scopes.map((scope) =>
          limiters[scope](request).then(
            (counted) => ({ scope, counted }),
            (err: unknown) => {
              failOpen(request, scope, err);
              return { scope, counted: undefined };
            },
          ),
        ),
      );
      let tightest: Counted | undefined;
      for (const { scope, counted } of results) {
        if (!counted || counted.isAllowed) continue;
        if (counted.isExceeded) {
          setHeaders(reply, counted);
          metrics.rateLimited(scope);
          throw new RateLimitedError(counted.ttlInSeconds, { limit: counted.max, windowMs: counted.timeWindow, scope });
        }
        if (!tightest || counted.remaining < tightest.remaining) tightest = counted;
      }
      if (tightest) setHeaders(reply, tightest);
    },
  };
}

/** IETF draft RateLimit fields for the budget closest to running out. */
function setHeaders(reply: FastifyReply, counted: Counted): void {
  void reply.header('ratelimit-limit', counted.max);
  void reply.header('ratelimit-remaining', counted.remaining);
  void reply.header('ratelimit-reset', counted.ttlInSeconds);
}
