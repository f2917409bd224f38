import { z } from 'zod';
import type { SubscriptionPlan } from '@bizosaas/auth';
import { authEnv, baseServiceEnv, port, url } from '@bizosaas/config';

const upstream = (defaultPort: number) => url(['http', 'https']).default(`http://127.0.0.1:${defaultPort}`);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Requests per tenant per window, by subscription plan (`Principal.plan`). Each default is
 * overridable by `RATE_LIMIT_<PLAN>` (e.g. `RATE_LIMIT_PROFESSIONAL=10000`).
 */
export const PLAN_LIMIT_DEFAULTS: Readonly<Record<SubscriptionPlan, number>> = {
  free: 300,
  starter: 1_200,
  professional: 6_000,
  enterprise: 30_000,
};

export const configSchema = z.object({
  PORT: port(8080),
  ...baseServiceEnv,
  ...authEnv,
  AI_AGENTS_URL: upstream(8000),
  USER_MANAGEMENT_URL: upstream(8001),
  CAMPAIGN_URL: upstream(8002),
  ANALYTICS_URL: upstream(8003),
  INTEGRATION_URL: upstream(8004),
  NOTIFICATION_URL: upstream(8005),
  EVENT_BUS_URL: upstream(8009),
  DOMAIN_REPOSITORY_URL: upstream(8011),
  /** Default per-request upstream timeout; a route table entry may set its own. */
  UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
  /** How long /health waits for each service's /ready. */
  HEALTH_TIMEOUT_MS: positiveInt(1_500),
  UPSTREAM_CONNECTIONS: positiveInt(128),
  /** Rate-limit window, ms; every limit below counts requests per window. */
  RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
  RATE_LIMIT_FREE: positiveInt(PLAN_LIMIT_DEFAULTS.free),
  RATE_LIMIT_STARTER: positiveInt(PLAN_LIMIT_DEFAULTS.starter),
  RATE_LIMIT_PROFESSIONAL: positiveInt(PLAN_LIMIT_DEFAULTS.professional),
  RATE_LIMIT_ENTERPRISE: positiveInt(PLAN_LIMIT_DEFAULTS.enterprise),
  /** Every request from one client address (IPv6 by /64), authenticated or not. */
  RATE_LIMIT_PER_IP: positiveInt(6_000),
  /** Login, register, token exchange, refresh, accept-invitation: per client address (brute force). */
  RATE_LIMIT_CREDENTIALS_PER_IP: positiveInt(30),
  /** Redis key prefix of the counters (tests use their own). */
  RATE_LIMIT_PREFIX: z.string().min(1).default('bizosaas:ratelimit:'),
  /**
   * How long address and tenant counts may wait in a replica before they are added to Redis's,
   * ms (each key's first request in a window always asks Redis). Replicas can together admit up
   * to what the others admitted in this time over a limit. 0: every request asks Redis.
   */
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(0).max(10_000).default(50),
  /** A limiter call slower than this lets the request through (fail open), ms. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveInt(100),
  /** Consecutive upstream failures (connection error, timeout, 5xx) that open a service's breaker. */
  BREAKER_FAILURE_THRESHOLD: positiveInt(5),
  /** How long an open breaker answers 503 before letting one probe request through, ms. */
  BREAKER_HALF_OPEN_AFTER_MS: positiveInt(10_000),
  /** Proxies in front of the gateway whose X-Forwarded-For is believed (0: none, the peer is the client). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
});

export type Config = z.infer<typeof configSchema>;

/** Service name -> base URL, from the configuration. */
export function upstreamsFrom(config: Config) {
  return {
    'ai-agents': config.AI_AGENTS_URL,
    'user-management': config.USER_MANAGEMENT_URL,
    campaign: config.CAMPAIGN_URL,
    analytics: config.ANALYTICS_URL,
    integration: config.INTEGRATION_URL,
    notification: config.NOTIFICATION_URL,
    'event-bus': config.EVENT_BUS_URL,
    'domain-repository': config.DOMAIN_REPOSITORY_URL,
  } as const;
}

/** The per-plan tenant limits, from the configuration. */
export function planLimitsFrom(config: Config): Record<SubscriptionPlan, number> {
  return {
    free: config.RATE_LIMIT_FREE,
    starter: config.RATE_LIMIT_STARTER,
    professional: config.RATE_LIMIT_PROFESSIONAL,
    enterprise: config.RATE_LIMIT_ENTERPRISE,
  };
}

export type Upstreams = Record<ServiceName, string>;
export type ServiceName = keyof ReturnType<typeof upstreamsFrom>;
