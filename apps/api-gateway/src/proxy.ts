import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenVerifier } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { ServiceName, Upstreams } from './config.ts';
import { authenticateAtEdge } from './edge-auth.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { RateLimits } from './rate-limit/rate-limits.ts';
import { matchRoute, publicRouteMatcher, type PublicRoute, type Route } from './route-table.ts';
import { createUpstreamBreaker, type BreakerOptions } from './upstream/circuit-breakers.ts';
import { createPool, forward, type Upstream } from './upstream/forward.ts';
import { drainUnreadBody } from './upstream/request-body.ts';

// EventSource and fetch-based SSE clients ask for the stream by this media type.
const acceptsEventStream = (accept: string | undefined) => accept !== undefined && accept.includes('text/event-stream');

export interface ProxyOptions {
  table: readonly Route[];
  publicRoutes: readonly PublicRoute[];
  upstreams: Upstreams;
  timeoutMs: number;
  /** Largest forwarded request body, bytes; a larger one is answered 413 before it is forwarded. */
  bodyLimit: number;
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
  const matchPublicRoute = publicRouteMatcher(options.publicRoutes);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    const publicRoute = matchPublicRoute(request.method, path);
    const route = matchRoute(options.table, path);
    if (publicRoute || !route) {
      await options.rateLimits.check(
        request,
        reply,
        publicRoute?.limit === 'credentials' ? ['ip', 'credentials'] : ['ip'],
      );
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
    // An answer given while the client is still sending a body nobody reads: drop the rest so
    // the connection can carry the next request (a body being forwarded drains when it ends).
    scope.addHook('onSend', async (request, reply) => {
      const raw = request.raw;
      if (raw.complete || raw.listenerCount('data') > 0) return;
      if (!drainUnreadBody(raw, options.bodyLimit)) void reply.header('connection', 'close');
    });

    await scope.register(async (api) => {
      api.addHook('onRequest', admission(options));
      const byRouteTable = async (request: FastifyRequest, reply: FastifyReply) => {
        const route = request.gatewayRoute!;
        return forward(
          request,
          reply,
          {
            upstream: upstreams[route.service],
            path: request.url,
            timeoutMs: route.timeoutMs ?? options.timeoutMs,
            bodyLimit: options.bodyLimit,
            stream: route.stream === true || acceptsEventStream(request.headers.accept),
          },
          options.metrics,
        );
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
        const target = {
          upstream,
          path: '/docs/json',
          timeoutMs: options.timeoutMs,
          bodyLimit: options.bodyLimit,
          stream: false,
        };
        return forward(request, reply, target, options.metrics);
      },
    );
  });
}
