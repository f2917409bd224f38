import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { ServiceName, Upstreams } from './config.ts';
import { authenticateAtEdge } from './edge-auth.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { RateLimits } from './rate-limit/rate-limits.ts';
import { matchPublicRoute, matchRoute, type PublicRoute, type Route } from './route-table.ts';
import { createUpstreamBreaker, type BreakerOptions } from './upstream/circuit-breakers.ts';
import { createPool, forward, type Upstream } from './upstream/forward.ts';

export interface ProxyOptions {
  table: readonly Route[];
  publicRoutes: readonly PublicRoute[];
  upstreams: Upstreams;
  timeoutMs: number;
  connections: number;
  verifier: TokenVerifier;
  rateLimits: RateLimits;
  breaker: BreakerOptions;
  metrics: GatewayMetrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The route table entry a forwarded request matched (set in onRequest). */
    gatewayRoute: Route | undefined;
  }
}

const pathOf = (url: string) => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};

function createUpstreams(options: ProxyOptions): Record<ServiceName, Upstream> {
  const entries = (Object.keys(options.upstreams) as ServiceName[]).map((name) => [
    name,
    {
      name,
      pool: createPool(options.upstreams[name], options.connections),
      breaker: createUpstreamBreaker(name, options.breaker, options.metrics),
    },
  ]);
  return Object.fromEntries(entries) as Record<ServiceName, Upstream>;
}

/**
 * Admission of a forwarded request, in onRequest (before any body is read): the route table
 * (404 for no match), the access token unless the route is public, and the budgets: the
 * address's (all requests; credential routes also their own small one) and the tenant's plan
 * limit. Nothing reaches an upstream unless all of these pass. The token is checked before
 * anything is counted (no I/O: keys imported once, verified tokens cached), so the address and
 * the tenant are counted in one Redis round trip; a request with a bad token is still counted
 * against its address, and an address over its limit hears 429 before it learns its token was bad.
 */
function admission(options: ProxyOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const publicRoute = matchPublicRoute(options.publicRoutes, request.method, path);
    const route = matchRoute(options.table, path);
    if (publicRoute || !route) {
      await options.rateLimits.check(request, reply, publicRoute?.limit === 'credentials' ? ['ip', 'credentials'] : ['ip']);
      if (!route) throw new NotFoundError(`No route for ${request.method} ${path}`, { path });
      request.gatewayRoute = route;
      return;
    }
    request.gatewayRoute = route;
    try {
      await authenticateAtEdge(request, reply, options.verifier);
    } catch (error) {
      await options.rateLimits.check(request, reply, ['ip']);
      throw error;
    }
    await options.rateLimits.check(request, reply, ['ip', 'tenant']);
  };
}

/**
 * Forwards `/api/v1/*` and `/.well-known/*` by the route table, and each service's OpenAPI
 * document at `/docs/services/<service>/json`, over kept-alive undici pools with a circuit
 * breaker per service. Bodies are streamed through unparsed.
 */
export async function registerProxy(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  const upstreams = createUpstreams(options);
  app.addHook('onClose', async () => {
    await Promise.all(Object.values(upstreams).map((upstream) => upstream.pool.close()));
  });
  app.decorateRequest('gatewayRoute', undefined);

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    await scope.register(async (api) => {
      api.addHook('onRequest', admission(options));
      const byRouteTable = async (request: FastifyRequest, reply: FastifyReply) => {
        const route = request.gatewayRoute!;
        const timeoutMs = route.timeoutMs ?? options.timeoutMs;
        return forward(request, reply, upstreams[route.service], request.url, timeoutMs, options.metrics);
      };
      api.all('/api/v1/*', { schema: { hide: true } }, byRouteTable);
      api.all('/.well-known/*', { schema: { hide: true } }, byRouteTable);
    });

    scope.get<{ Params: { service: string } }>(
      '/docs/services/:service/json',
      { schema: { hide: true }, onRequest: (request, reply) => options.rateLimits.check(request, reply, ['ip']) },
      async (request, reply) => {
        const service = request.params.service;
        if (!Object.hasOwn(upstreams, service)) throw new NotFoundError(`No service named ${service}`, { service });
        const upstream = upstreams[service as ServiceName];
        request.gatewayRoute = { prefix: '/docs/json', service: upstream.name as ServiceName };
        return forward(request, reply, upstream, '/docs/json', options.timeoutMs, options.metrics);
      },
    );
  });
}
