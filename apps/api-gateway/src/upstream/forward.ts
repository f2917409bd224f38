import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool, type Dispatcher } from 'undici';
import { AppError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { GatewayMetrics } from '../gateway-metrics.ts';
import { CircuitOpenError, RequestBodyFailure, type UpstreamBreaker } from './circuit-breakers.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';
import { forwardedBody, PayloadTooLargeError, type ForwardedBody } from './request-body.ts';

export interface Upstream {
  name: string;
  pool: Pool;
  breaker: UpstreamBreaker;
}

export interface ForwardTarget {
  upstream: Upstream;
  path: string;
  /** Wait for the answer's headers, and (unless `stream`) between chunks of its body, ms. */
  timeoutMs: number;
  /** Largest request body forwarded; a larger one is answered 413 by the gateway. */
  bodyLimit: number;
  /** An open-ended answer (server-sent events): no timeout between its chunks. */
  stream: boolean;
}

/** A kept-alive undici pool for one service's base URL. */
export function createPool(baseUrl: string, connections: number): Pool {
  return new Pool(new URL(baseUrl).origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

const errorCode = (failure: unknown) => (failure as { code?: string } | undefined)?.code;
// The service closed the connection on a request with a body, before answering it: it answered
// before reading the body (a Fastify service does so on its own 413, then closes) and the body's
// write met the closed socket, which can win the race against reading that answer.
const CLOSED_UNDER_BODY = new Set(['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET']);

function upstreamError(service: string, failure: unknown): AppError {
  const code = errorCode(failure);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new AppError('UPSTREAM_TIMEOUT', 504, `${service} did not answer in time`, { service });
  }
  return new ServiceUnavailableError(`${service} is unavailable`, { service, reason: code ?? 'UPSTREAM_ERROR' });
}

/** Marks the call's failures that are about the request body, so the breaker does not count them. */
async function call(pool: Pool, options: Dispatcher.RequestOptions, body: ForwardedBody | undefined) {
  try {
    return await pool.request(options);
  } catch (err) {
    const overLimit = err instanceof PayloadTooLargeError;
    const closedUnderBody = body !== undefined && CLOSED_UNDER_BODY.has(errorCode(err) ?? '');
    throw overLimit || closedUnderBody ? new RequestBodyFailure(err) : err;
  }
}

/**
 * Sends the request to the target through its circuit breaker and streams the answer back.
 * Bodies are streamed both ways, never buffered. Errors are thrown as kernel errors (413
 * PAYLOAD_TOO_LARGE, 503 SERVICE_UNAVAILABLE, 504 UPSTREAM_TIMEOUT) for the one error handler.
 */
export async function forward(
  request: FastifyRequest,
  reply: FastifyReply,
  target: ForwardTarget,
  metrics: GatewayMetrics,
): Promise<FastifyReply> {
  const { upstream } = target;
  const body = forwardedBody(request.raw, request.body, target.bodyLimit);
  const options: Dispatcher.RequestOptions = {
    method: request.method,
    path: target.path,
    headers: upstreamRequestHeaders(request.headers, {
      correlationId: request.id,
      clientIp: request.ip,
      protocol: request.protocol,
      host: request.host,
      principal: request.principal,
    }),
    body,
    headersTimeout: target.timeoutMs,
    bodyTimeout: target.stream ? 0 : target.timeoutMs,
  };
  const started = performance.now();
  let answer: Dispatcher.ResponseData;
  try {
    answer = await upstream.breaker.execute(() => call(upstream.pool, options, body));
  } catch (err) {
    throw failed(reply, upstream.name, err, metrics);
  }
  metrics.upstreamAnswered(upstream.name, answer.statusCode, (performance.now() - started) / 1000);
  return relay(request, reply, answer);
}

function failed(reply: FastifyReply, service: string, err: unknown, metrics: GatewayMetrics): unknown {
  if (err instanceof CircuitOpenError) {
    metrics.upstreamAnswered(service, 'circuit_open');
    void reply.header('retry-after', String(err.retryAfterSeconds));
    return err;
  }
  // The gateway cut the body itself: the service was never at fault and gave no answer.
  if (err instanceof RequestBodyFailure && err.failure instanceof PayloadTooLargeError) return err.failure;
  metrics.upstreamAnswered(service, 'error');
  if (err instanceof RequestBodyFailure) {
    const reason = errorCode(err.failure) ?? 'UPSTREAM_ERROR';
    return new ServiceUnavailableError(`${service} closed the connection while receiving the request body`, {
      service,
      reason,
      stage: 'request_body',
    });
  }
  return upstreamError(service, err);
}

function relay(request: FastifyRequest, reply: FastifyReply, answer: Dispatcher.ResponseData): FastifyReply {
  void reply.code(answer.statusCode).headers(clientResponseHeaders(answer.headers));
  if (request.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304) {
    void answer.body.dump();
    return reply.send();
  }
  return reply.send(answer.body);
}
