import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '@bizosaas/auth';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { WriteMetadata } from './decide-on-stream.ts';

/** Headers every write route accepts (declared so they appear in OpenAPI). */
export const writeHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional(),
  /** The aggregate version the client saw, as an ETag: `"3"` (or `3`, or `W/"3"`). */
  'if-match': z.string().max(40).optional(),
});

/** Body field alternative to If-Match. */
export const expectedVersionField = { expectedVersion: z.number().int().min(0).optional() };

/**
 * Command metadata from the verified caller: tenant and actor from the token, correlation id
 * from X-Correlation-ID (service-kit's request id), time read here so decide never reads a clock.
 */
export function commandMetadata(request: FastifyRequest, now: () => Date): WriteMetadata {
  const principal = requirePrincipal(request);
  const key = request.headers['idempotency-key'];
  return {
    now: now(),
    tenantId: principal.tenantId,
    actor: { type: 'user', id: principal.userId },
    correlationId: request.id,
    causationId: request.id,
    ...(typeof key === 'string' && key.length > 0 && { idempotencyKey: key }),
  };
}

/** The expected version from If-Match or the body's expectedVersion (they must agree when both are sent). */
export function expectedVersionOf(request: FastifyRequest, bodyVersion?: number): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '' || header.trim() === '*') return bodyVersion;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match)
    throw new ValidationError('If-Match must be an aggregate version such as "3"', [
      { path: 'if-match', message: 'must be "<version>"', location: 'headers' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw new ValidationError('If-Match and expectedVersion disagree', [
      { path: 'expectedVersion', message: 'differs from If-Match', location: 'body' },
    ]);
  }
  return version;
}
