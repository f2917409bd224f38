import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { readBearerToken, tokenRejected, type Principal, type TokenVerifier } from '@bizosaas/auth';

/**
 * Verifies the access token of a forwarded request that is not public and puts the caller on
 * `request.principal` (the forwarder turns it into X-Tenant-ID / X-User-ID). A missing or bad
 * token ends the request here with 401, so the upstream never sees it. Unlike the services'
 * authPlugin, a client-sent X-Tenant-ID is not compared but simply replaced: the edge is where
 * forged identity headers are expected and dropped.
 */
export async function authenticateAtEdge(
  request: FastifyRequest,
  reply: FastifyReply,
  verifier: TokenVerifier,
): Promise<Principal> {
  let principal: Principal;
  try {
    const token = readBearerToken(request.headers.authorization);
    if (token === undefined) throw tokenRejected('missing_token');
    principal = await verifier.verify(token);
  } catch (err) {
    if (err instanceof UnauthenticatedError) void reply.header('www-authenticate', bearerChallenge(err));
    throw err;
  }
  request.principal = principal;
  request.log = request.log.child({ tenantId: principal.tenantId, userId: principal.userId });
  return principal;
}

/** RFC 6750 §3, as the services' authPlugin answers: which scheme, and for a bad token why. */
function bearerChallenge(err: UnauthenticatedError): string {
  const reason = err.details['reason'];
  if (reason === 'missing_token') return 'Bearer realm="bizosaas"';
  const error = reason === 'malformed_header' ? 'invalid_request' : 'invalid_token';
  return `Bearer realm="bizosaas", error="${error}"`;
}
