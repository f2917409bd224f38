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

/** A route hook that refuses callers lacking `permission`; the permission is readable for the OpenAPI page. */
export type PermissionGuard = ((request: FastifyRequest) => Promise<void>) & { readonly permission: Permission };

/**
 * An onRequest hook refusing callers whose token lacks `permission`:
 * `{ onRequest: requirePermission('leads:write') }`. As a route-level onRequest hook it runs after
 * the auth plugin's (which sets `request.principal`) and before the body is read, so a caller
 * without the permission gets 403 whatever the body holds. FORBIDDEN carries `details.required`.
 */
export function requirePermission(permission: Permission): PermissionGuard {
  const guard = async function permissionGuard(request: FastifyRequest): Promise<void> {
    if (!hasPermission(requirePrincipal(request), permission)) {
      throw new ForbiddenError('Missing permission', { required: permission });
    }
  };
  return Object.assign(guard, { permission });
}
