import type { Redis } from 'ioredis';
import { cachingVerifier, type TokenVerifier } from '@bizosaas/auth';
import { createService, type ServiceApp } from '@bizosaas/service-kit';
import { planLimitsFrom, upstreamsFrom, type Config } from './config.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';
import { registerAggregatedHealth } from './health.ts';
import { registerProxy } from './proxy.ts';
import { createRateLimits } from './rate-limit/rate-limits.ts';
import { registerRequestLog } from './request-log.ts';
import { publicRoutes as defaultPublicRoutes, routeTable, type PublicRoute, type Route } from './route-table.ts';

export interface GatewayDeps {
  config: Config;
  /** Verifies access tokens (user-management's JWKS in main.ts; a fixed key set in tests). */
  verifier: TokenVerifier;
  /** The rate limiter's client; its failures let requests through (see rate-limits.ts). */
  redis: Redis;
  table?: readonly Route[];
  publicRoutes?: readonly PublicRoute[];
}

export async function buildApp({
  config,
  verifier,
  redis,
  table = routeTable,
  publicRoutes = defaultPublicRoutes,
}: GatewayDeps): Promise<ServiceApp> {
  const upstreams = upstreamsFrom(config);
  const app = await createService({
    name: 'api-gateway',
    description:
      'The only public entry: verifies tokens, limits rates and routes /api/v1 to the services by a route table.',
    logLevel: config.LOG_LEVEL,
    bodyLimit: config.BODY_LIMIT_BYTES,
    healthRoute: false,
    requestLogging: false,
    // text/event-stream responses stay open with no bytes between events; requestTimeout still
    // bounds how long a request may take to arrive, keep-alive how long an idle socket stays.
    timeouts: { connectionMs: 0 },
    ...(config.TRUST_PROXY_HOPS > 0 && { trustProxy: config.TRUST_PROXY_HOPS }),
    docsUrls: Object.keys(upstreams).map((name) => ({ name, url: `/docs/services/${name}/json` })),
  });
  const metrics = createGatewayMetrics(app.metricsRegistry);
  registerRequestLog(app);
  registerAggregatedHealth(app, upstreams, config.HEALTH_TIMEOUT_MS, `http://127.0.0.1:${config.PORT}`);
  const rateLimits = await createRateLimits(app, {
    redis,
    prefix: config.RATE_LIMIT_PREFIX,
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    syncMs: config.RATE_LIMIT_SYNC_MS,
    perIp: config.RATE_LIMIT_PER_IP,
    credentialsPerIp: config.RATE_LIMIT_CREDENTIALS_PER_IP,
    planLimits: planLimitsFrom(config),
    metrics,
  });
  await registerProxy(app, {
    table,
    publicRoutes,
    upstreams,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    bodyLimit: config.BODY_LIMIT_BYTES,
    connections: config.UPSTREAM_CONNECTIONS,
    // Clients reuse their access token for many requests: verify each token once until it expires.
    verifier: cachingVerifier(verifier, { maxEntries: 10_000 }),
    rateLimits,
    breaker: { failureThreshold: config.BREAKER_FAILURE_THRESHOLD, halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS },
    metrics,
  });
  return app;
}
