import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '@bizosaas/auth';
import type { TriggerSource } from './trigger.ts';

/** Who triggered, from the verified principal; `bulk` when one request names many recipients. */
export function triggerSourceOf(request: FastifyRequest, bulk: boolean): TriggerSource {
  const principal = requirePrincipal(request);
  const key = request.headers['idempotency-key'];
  return {
    tenantId: principal.tenantId,
    causation: { actor: { type: 'user', id: principal.userId }, correlationId: request.id, causationId: request.id },
    trigger: { source: bulk ? 'bulk' : 'api' },
    ...(typeof key === 'string' && key !== '' && { idempotencyKey: key }),
  };
}
