import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import { AppError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import { CircuitOpenError, type UpstreamBreaker } from './circuit-breakers.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';

export interface Upstream {
  name: string;
  pool: Pool;
  breaker: UpstreamBreaker;
}

/** A kept-alive undici pool for one service's base URL. */
export function createPool(baseUrl: string, connections: number): Pool {
  return new Pool(new URL(baseUrl).origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

function upstreamError(service: string, failure: unknown): AppError {
  const code = (failure as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new AppError('UPSTREAM_TIMEOUT', 504, `${service} did not answer in time`, { service });
  }
  return new ServiceUnavailableError(`${service} is unavailable`, { service, reason: code ?? 'UPSTREAM_ERROR' });
}

/**
 * Sends the request to `path` on the upstream through its circuit breaker and streams the
 * answer back. Bodies are streamed both ways, never buffered. Errors are thrown as kernel
 * errors (503 SERVICE_UNAVAILABLE, 504 UPSTREAM_TIMEOUT) for the one error handler.
 */
export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  upstream: Upstream,
  path: string,
  timeoutMs: number,
  metrics: GatewayMetrics,
): Promise<FastifyReply> {
  const options: Dispatcher.RequestOptions = {
    method: request.method as Dispatcher.HttpMethod,
    path,
    headers: upstreamRequestHeaders(request.headers, {
      correlationId: request.id,
      clientIp: request.ip,
      protocol: request.protocol,
      host: request.host,
      principal: request.principal,
    }),
    body: request.body as Readable | undefined,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  };
  const started = performance.now();
  let answer: Dispatcher.ResponseData;
  try {
    answer = await upstream.breaker.execute(() => upstream.pool.request(options));
  } catch (err) {
    if (err instanceof CircuitOpenError) {
      metrics.upstreamAnswered(upstream.name, 'circuit_open');
      void reply.header('retry-after', String(err.retryAfterSeconds));
      throw err;
    }
    metrics.upstreamAnswered(upstream.name, 'error');
    throw upstreamError(upstream.name, err);
  }
  metrics.upstreamAnswered(upstream.name, answer.statusCode, (performance.now() - started) / 1000);
  return relay(request, reply, answer);
}

function relay(request: FastifyRequest, reply: FastifyReply, answer: Dispatcher.ResponseData): FastifyReply {
  void reply.code(answer.statusCode).headers(clientResponseHeaders(answer.headers));
  // A keep-alive connection whose request body was not read to the end cannot be reused.
  if (!request.raw.complete) void reply.header('connection', 'close');
  if (request.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304) {
    void answer.body.dump();
    return reply.send();
  }
  return reply.send(answer.body);
}
