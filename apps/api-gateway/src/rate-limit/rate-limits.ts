import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { SubscriptionPlan } from '@bizosaas/auth';
import { RateLimitedError } from '@bizosaas/ddd-kernel';
import type { GatewayMetrics } from '../gateway-metrics.ts';

/** Which budget a request is counted against. */
export type LimitScope = 'ip' | 'credentials' | 'tenant';

export interface RateLimitOptions {
  redis: Redis;
  /** Key prefix; counters live at `<prefix><scope>:<ip or tenant id>`. */
  prefix: string;
  windowMs: number;
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
 * One @fastify/rate-limit limiter (fixed window, its Redis store: one INCR+PEXPIRE script per
 * check) per scope, each registered in its own child context so each gets its own key prefix.
 */
async function createLimiter(app: FastifyInstance, redis: Redis, nameSpace: string, options: object): Promise<Limiter> {
  let limiter: Limiter | undefined;
  await app.register(async (child) => {
    await child.register(rateLimit, { global: false, redis, nameSpace, skipOnError: false, ...options });
    limiter = child.createRateLimit();
  });
  return limiter!;
}

/**
 * Per-address limits (every forwarded request, and a small budget for credential routes) and
 * per-tenant limits by subscription plan, in Redis so every gateway replica shares them.
 * Redis being down or slow must not take the platform down: the request goes through and a
 * warning is logged (at most every 10 s).
 */
export async function createRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<RateLimits> {
  const { redis, prefix, windowMs, metrics } = options;
  const limiters: Record<LimitScope, Limiter> = {
    ip: await createLimiter(app, redis, `${prefix}ip:`, { max: options.perIp, timeWindow: windowMs }),
    credentials: await createLimiter(app, redis, `${prefix}credentials:`, {
      max: options.credentialsPerIp,
      timeWindow: windowMs,
    }),
    tenant: await createLimiter(app, redis, `${prefix}tenant:`, {
      max: (request: FastifyRequest) => options.planLimits[request.principal?.plan ?? 'free'],
      timeWindow: windowMs,
      keyGenerator: (request: FastifyRequest) => request.principal?.tenantId ?? 'anonymous',
    }),
  };
  let lastWarning = 0;
  const failOpen = (request: FastifyRequest, scope: LimitScope, err: unknown) => {
    metrics.rateLimitFailedOpen(scope);
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    request.log.warn({ err, scope }, 'rate limiter unavailable (Redis); letting requests through');
  };

  return {
    async check(request, reply, scopes) {
      // Every scope is counted at once: the Redis client pipelines commands of one tick, so two
      // budgets cost one round trip. A refused request has then been counted against each.
      const results = await Promise.all(scopes.map((scope) =>
        limiters[scope](request).then((counted) => ({ scope, counted }), (err: unknown) => {
          failOpen(request, scope, err);
          return { scope, counted: undefined };
        })));
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
