import { isServicePrincipal, type Principal } from './principal.ts';
import { WILDCARD_PERMISSION, type Permission } from './permissions.ts';

/**
 * Whether the principal's token grants `permission`. The token's permissions are
 * authoritative (resolved by user-management at issue time); roles are not consulted.
 * `*` counts only for service principals, so a user token can never carry a blanket grant.
 */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  if (principal.permissions.includes(permission)) return true;
  return principal.permissions.includes(WILDCARD_PERMISSION) && isServicePrincipal(principal);
}

/** Coarse role check, for display or role-gated UI data; prefer {@link hasPermission}. */
export function hasRole(principal: Principal, role: string): boolean {
  return principal.roles.includes(role);
}
