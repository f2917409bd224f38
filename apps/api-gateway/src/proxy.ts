import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { AppError, NotFoundError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { ServiceName, Upstreams } from './config.ts';
import { matchRoute, type Route } from './route-table.ts';

export interface ProxyOptions {
  table: readonly Route[];
  upstreams: Upstreams;
  timeoutMs: number;
  connections: number;
}

// Identity headers are the gateway's to set (from the verified token); a client's are dropped.
const CLIENT_IDENTITY_HEADERS = ['x-tenant-id', 'x-user-id', 'x-user-roles'];

function forwardedHeaders(request: Pick<FastifyRequest, 'id' | 'ip' | 'protocol' | 'host'>, headers: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...headers };
  for (const name of CLIENT_IDENTITY_HEADERS) delete out[name];
  out['x-correlation-id'] = request.id;
  const prior = typeof headers['x-forwarded-for'] === 'string' ? `${headers['x-forwarded-for']}, ` : '';
  out['x-forwarded-for'] = `${prior}${request.ip}`;
  out['x-forwarded-proto'] = request.protocol;
  out['x-forwarded-host'] = request.host;
  return out as Record<string, string>;
}

function upstreamError(service: ServiceName, failure: Error): AppError {
  const error = failure as Error & { code?: string; statusCode?: number };
  if (error.statusCode === 504 || error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT') {
    return new AppError('UPSTREAM_TIMEOUT', 504, `${service} did not answer in time`, { service });
  }
  return new ServiceUnavailableError(`${service} is unavailable`, { service, reason: error.code ?? 'UPSTREAM_ERROR' });
}

/**
 * Forwards `/api/v1/*` and `/.well-known/*` by the route table, and each service's OpenAPI
 * document at `/docs/services/<service>/json`, over kept-alive undici pools. Bodies are streamed
 * through unparsed.
 */
export async function registerProxy(app: FastifyInstance, options: ProxyOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    await scope.register(replyFrom, {
      undici: { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 },
      disableRequestLogging: true,
    });

    const forward = (reply: FastifyReply, service: ServiceName, path: string, timeoutMs: number) =>
      reply.from(`${options.upstreams[service]}${path}`, {
        timeout: timeoutMs,
        rewriteRequestHeaders: (request, headers) => forwardedHeaders(request, headers),
        onError: (failed, { error }) => failed.send(upstreamError(service, error)),
      });

    const byRouteTable = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0]!;
      const route = matchRoute(options.table, path);
      if (!route) throw new NotFoundError(`No route for ${request.method} ${path}`, { path });
      return forward(reply, route.service, path, route.timeoutMs ?? options.timeoutMs);
    };
    scope.all('/api/v1/*', { schema: { hide: true } }, byRouteTable);
    scope.all('/.well-known/*', { schema: { hide: true } }, byRouteTable);

    scope.get<{ Params: { service: string } }>(
      '/docs/services/:service/json',
      { schema: { hide: true } },
      async (request, reply) => {
        const service = request.params.service;
        if (!Object.hasOwn(options.upstreams, service)) {
          throw new NotFoundError(`No service named ${service}`, { service });
        }
        return forward(reply, service as ServiceName, '/docs/json', options.timeoutMs);
      },
    );
  });
}
