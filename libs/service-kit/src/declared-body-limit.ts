import type { FastifyInstance } from 'fastify';
import { AppError } from '@bizosaas/ddd-kernel';

// Up to this many times the limit, a refused body is still read to its end (and dropped) to keep
// the connection; beyond it Fastify's own refusal, which closes the connection, stands.
const DRAINED_MULTIPLE = 8;

/**
 * Refuses a request whose Content-Length is over its route's body limit before reading the body,
 * and keeps the connection: Node reads the rest of the body and drops it, then serves the next
 * request. The answer names the limit, as the gateway's own refusal does. Fastify's own refusal
 * closes the connection while the client may still be writing the body, so a client that reads
 * the answer only once its body is written (the gateway forwarding a request) can meet a broken
 * pipe instead of the 413. A preParsing hook: authentication (onRequest) still comes first.
 */
export function refuseDeclaredOversizedBodies(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const declared = Number(request.headers['content-length']);
    const limit = request.routeOptions.bodyLimit;
    if (limit !== undefined && declared > limit && declared <= limit * DRAINED_MULTIPLE)
      throw new AppError('PAYLOAD_TOO_LARGE', 413, `Request body is larger than ${limit} bytes`, { limit });
    return payload;
  });
}
