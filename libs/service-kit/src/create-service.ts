import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
  type RouteOptions,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { authPlugin, type TokenVerifier } from '@bizosaas/auth';
import { errorHandler, notFoundHandler } from './error-handler.ts';
import { refuseDeclaredOversizedBodies } from './declared-body-limit.ts';
import { acceptJsonOnly } from './json-only.ts';
import { registerMetrics } from './metrics.ts';
import { documentOptions } from './openapi-document.ts';
import type { RouteAuth } from './openapi-operation.ts';
import { registerProbes, type ReadinessCheck } from './probes.ts';
import { serverTimeoutOptions, type ServerTimeouts } from './server-timeouts.ts';
import { assertStrictInput } from './strict-input.ts';

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceOptions {
  /** Service name as in DESIGN.md (`domain-repository`); appears in logs, metrics and /health. */
  name: string;
  version?: string;
  description?: string;
  /** Descriptions of the OpenAPI tags the routes use (`{ users: 'Users of the tenant...' }`). */
  tags?: Record<string, string>;
  logLevel?: string;
  /** Largest accepted request body in bytes (413 PAYLOAD_TOO_LARGE above). */
  bodyLimit?: number;
  /** Longest path parameter (default Fastify's 100 characters; longer answers 414): signed link tokens need more. */
  maxParamLength?: number;
  /** Named dependency checks behind /ready, e.g. `{ postgres: ..., redis: ... }`. */
  readiness?: Record<string, ReadinessCheck>;
  readinessTimeoutMs?: number;
  /**
   * Verifies bearer tokens against the JWKS on every route except the ops and docs routes
   * (see @bizosaas/auth: secure by default, per-route `config.auth` to relax).
   */
  auth?: TokenVerifier;
  /** The gateway serves its own aggregated /health; every other service keeps the default. */
  healthRoute?: boolean;
  /** Extra documents for the Swagger UI picker (the gateway lists every service's spec). */
  docsUrls?: { name: string; url: string }[];
  /**
   * Fastify's own "incoming request" / "request completed" lines; default true. The gateway
   * turns them off and writes one line per request with the upstream it chose.
   */
  requestLogging?: boolean;
  /**
   * Fastify `trustProxy`: whom to believe in X-Forwarded-For for `request.ip` (a hop count, or
   * addresses/CIDRs). Default: nobody. Only an edge behind a load balancer sets it.
   */
  trustProxy?: number | string | string[];
  /** Socket, request and keep-alive timeouts; defaults in DEFAULT_SERVER_TIMEOUTS. */
  timeouts?: ServerTimeouts;
}

declare module 'fastify' {
  interface FastifyInstance {
    metricsRegistry: Registry;
  }
}

const PUBLIC_ROUTES = ['/health', '/ready', '/metrics', '/docs/*'];
const isOpsRoute = (url: string) =>
  PUBLIC_ROUTES.some((route) => route === url || (route.endsWith('/*') && url.startsWith(route.slice(0, -1))));
const authOf = (route: RouteOptions): RouteAuth =>
  route.config?.auth ?? (isOpsRoute(route.url) ? 'public' : 'required');
const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/** A hop count trusts that many proxies nearest to us (Fastify's typings take it as a function only). */
function trustProxyOption(trust: number | string | string[]) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

function correlationId(req: IncomingMessage): string {
  const header = req.headers['x-correlation-id'];
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
}

/**
 * Builds the Fastify app every service starts from: JSON logs carrying the correlation id
 * (taken from X-Correlation-ID or made, and echoed back), zod schemas for validation,
 * serialisation and OpenAPI (`/docs`, `/docs/json`), `/health`, `/ready`, `/metrics`,
 * and the one error shape. Add routes to the returned app; it never listens by itself.
 */
/**
 * What a request's log lines say of it: never the query, which may carry credentials (an OAuth
 * callback's code and state, a signed link's parameters).
 */
export function requestLogFields(request: {
  method: string;
  url: string;
  host?: string;
  ip?: string;
}): Record<string, string | undefined> {
  const query = request.url.indexOf('?');
  return {
    method: request.method,
    url: query === -1 ? request.url : request.url.slice(0, query),
    host: request.host,
    remoteAddress: request.ip,
  };
}

export async function createService(options: ServiceOptions): Promise<ServiceApp> {
  const version = options.version ?? '0.1.0';
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      base: { service: options.name },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      serializers: { req: requestLogFields },
    },
    genReqId: correlationId,
    logController: new LogController({
      requestIdLogLabel: 'correlationId',
      disableRequestLogging: options.requestLogging === false,
    }),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    ...(options.maxParamLength !== undefined && { routerOptions: { maxParamLength: options.maxParamLength } }),
    ...serverTimeoutOptions(options.timeouts),
    ...(options.trustProxy !== undefined && { trustProxy: trustProxyOption(options.trustProxy) }),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  acceptJsonOnly(app);
  refuseDeclaredOversizedBodies(app);

  // Once close() has begun, tell keep-alive clients to go, so the server can finish draining.
  // Node closes connections idle between requests, but counts one that has not sent its first
  // request yet (a client's pool connecting ahead) as busy: the close would wait for it until the
  // socket timeout, past the shutdown grace. Those are destroyed; nothing was asked on them.
  let closing = false;
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (request: IncomingMessage) => unused.delete(request.socket));
  app.addHook('preClose', async () => {
    closing = true;
    for (const socket of unused) socket.destroy();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-correlation-id', request.id);
  });
  if (options.auth) {
    await app.register(authPlugin, { verifier: options.auth, publicRoutes: PUBLIC_ROUTES });
  }
  // Runs after authentication: label the request's logs with who is calling.
  app.addHook('onRequest', async (request) => {
    const principal = request.principal;
    if (principal) request.log = request.log.child({ tenantId: principal.tenantId, userId: principal.userId });
  });

  await app.register(
    swagger,
    documentOptions({
      name: options.name,
      version,
      description: options.description,
      tags: options.tags,
      authOf: options.auth ? authOf : undefined,
    }),
  );
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    ...(options.docsUrls && { uiConfig: { urls: [{ name: options.name, url: '/docs/json' }, ...options.docsUrls] } }),
  });
  // Every route added from here on (the service's own) must refuse unknown input keys.
  app.addHook('onRoute', assertStrictInput);

  app.decorate('metricsRegistry', registerMetrics(app, options.name));
  registerProbes(app, {
    service: options.name,
    version,
    readiness: options.readiness ?? {},
    readinessTimeoutMs: options.readinessTimeoutMs ?? 2_000,
    healthRoute: options.healthRoute ?? true,
  });
  return app;
}
