import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '@bizosaas/ddd-kernel';
import { hasPermission } from './has-permission.ts';
import type { Permission } from './permissions.ts';
import type { Principal } from './principal.ts';
import { tokenRejected } from './token-rejection.ts';

/**
 * The verified caller, for handlers: on `required` routes it is always there; on `optional`
 * or `public` routes an anonymous request gets UNAUTHENTICATED.
 */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw tokenRejected('missing_token');
  return request.principal;
}

/**
 * A preHandler refusing callers whose token lacks `permission`:
 * `{ preHandler: requirePermission('leads:write') }`. FORBIDDEN carries `details.required`.
 */
export function requirePermission(permission: Permission) {
  return async function permissionGuard(request: FastifyRequest): Promise<void> {
    if (!hasPermission(requirePrincipal(request), permission)) {
      throw new ForbiddenError('Missing permission', { required: permission });
    }
  };
}
