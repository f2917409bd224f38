import type { FastifyInstance } from 'fastify';

/**
 * One log line per request (Fastify's own two lines are off at the gateway): method, path
 * (never the query: it may carry secrets), route template, status, latency and the upstream
 * service. correlationId, and tenantId/userId once the token is verified, come from the
 * request logger's bindings.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const query = request.url.indexOf('?');
    request.log.info(
      {
        method: request.method,
        path: query === -1 ? request.url : request.url.slice(0, query),
        route: request.routeOptions.url ?? null,
        statusCode: reply.statusCode,
        latencyMs: Math.round(reply.elapsedTime * 100) / 100,
        upstream: request.gatewayRoute?.service ?? null,
      },
      'request completed',
    );
  });
}
