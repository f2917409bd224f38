import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { readBearerToken, requirePrincipal, type Principal } from '@bizosaas/auth';
import { ForbiddenError } from '@bizosaas/ddd-kernel';
import type { Actor } from '@bizosaas/event-schemas';
import type { RequestMeta } from '../context.ts';

export const API_KEY_ROLE = 'api-key';

/** A signed-in user (not an API-key client), with the session its token belongs to. */
export interface UserCaller {
  principal: Principal;
  sessionId: string;
}

/**
 * For self-service routes (me, sessions, logout): the token must be a user's. `sid` is read
 * from the token the auth plugin has already verified in this request.
 */
export function requireUserCaller(request: FastifyRequest): UserCaller {
  const principal = requirePrincipal(request);
  const token = readBearerToken(request.headers.authorization);
  const sid = token === undefined ? undefined : decodeJwt(token)['sid'];
  if (principal.roles.includes(API_KEY_ROLE) || typeof sid !== 'string') {
    throw new ForbiddenError('Only a signed-in user can do this', { reason: 'user_token_required' });
  }
  return { principal, sessionId: sid };
}

/** The event actor for a caller: a user, or the API key acting as a service. */
export function actorOf(principal: Principal): Actor {
  return principal.roles.includes(API_KEY_ROLE)
    ? { type: 'service', id: `api-key-${principal.userId}` }
    : { type: 'user', id: principal.userId };
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { correlationId: request.id, ip: request.ip, userAgent: request.headers['user-agent'] };
}
