/** Every permission the platform checks. Routes name one of these in `requirePermission`. */
export const PERMISSIONS = [
  'leads:read',
  'leads:write',
  'customers:read',
  'customers:write',
  'campaigns:read',
  'campaigns:write',
  'campaigns:launch',
  'analytics:read',
  'analytics:manage',
  'integrations:manage',
  'notifications:read',
  'notifications:send',
  'notifications:manage',
  'users:read',
  'users:manage',
  'tenant:manage',
  'events:publish',
  'events:subscribe',
  'agents:read',
  'agents:run',
  'agents:approve',
  'agents:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Grants everything; honoured only for service principals (see `hasPermission`). */
export const WILDCARD_PERMISSION = '*';

export const ROLES = ['owner', 'admin', 'manager', 'member', 'viewer'] as const;

export type Role = (typeof ROLES)[number];

const readOnly = PERMISSIONS.filter((permission) => permission.endsWith(':read'));

/**
 * Default role -> permissions mapping. user-management owns the authoritative (per-tenant)
 * mapping and resolves it into the token's `permissions` at issue time; this is its seed data
 * and the reference for tests.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  owner: PERMISSIONS,
  admin: PERMISSIONS.filter((permission) => permission !== 'tenant:manage'),
  manager: [
    ...readOnly,
    'leads:write',
    'customers:write',
    'campaigns:write',
    'campaigns:launch',
    'notifications:send',
    'agents:run',
    'agents:approve',
    'analytics:manage',
  ],
  member: [...readOnly, 'leads:write', 'customers:write', 'campaigns:write', 'agents:run'],
  viewer: readOnly,
});

/** Union of the default permissions of the given roles; unknown roles contribute nothing. */
export function permissionsForRoles(roles: readonly string[]): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) {
    // Own keys only: a role named like an Object.prototype member ("toString") is unknown, not a function.
    if (!Object.hasOwn(ROLE_PERMISSIONS, role)) continue;
    const permissions: readonly Permission[] = ROLE_PERMISSIONS[role as Role];
    for (const permission of permissions) granted.add(permission);
  }
  return PERMISSIONS.filter((permission) => granted.has(permission));
}
