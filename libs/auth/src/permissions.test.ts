import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hasPermission, hasRole } from './has-permission.ts';
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, permissionsForRoles, type Permission } from './permissions.ts';
import type { Principal } from './principal.ts';

const principal = (roles: string[], permissions: string[]): Principal => ({
  userId: '0190a4f1-0000-7000-8000-000000000001',
  tenantId: '0190a4f1-0000-7000-8000-000000000002',
  roles,
  permissions,
  tokenId: 'jti-1',
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  plan: 'free',
});

describe('ROLE_PERMISSIONS', () => {
  it('gives the owner everything and the viewer only reads', () => {
    expect([...ROLE_PERMISSIONS.owner]).toEqual([...PERMISSIONS]);
    expect(ROLE_PERMISSIONS.viewer).toEqual([
      'leads:read',
      'customers:read',
      'campaigns:read',
      'analytics:read',
      'notifications:read',
      'users:read',
      'agents:read',
    ]);
  });

  it('keeps tenant management to the owner and user management to owner and admin', () => {
    const holders = (permission: Permission) => ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
    expect(holders('tenant:manage')).toEqual(['owner']);
    expect(holders('users:manage')).toEqual(['owner', 'admin']);
    expect(holders('campaigns:launch')).toEqual(['owner', 'admin', 'manager']);
    expect(holders('agents:approve')).toEqual(['owner', 'admin', 'manager']);
    expect(holders('agents:manage')).toEqual(['owner', 'admin']);
    expect(holders('analytics:manage')).toEqual(['owner', 'admin', 'manager']);
  });

  it('treats roles named like Object.prototype members as unknown', () => {
    expect(permissionsForRoles(['toString', '__proto__', 'constructor'])).toEqual([]);
    expect(permissionsForRoles(['viewer', 'hasOwnProperty'])).toEqual(permissionsForRoles(['viewer']));
  });

  it('combines roles as a union inside what the owner has, ignoring unknown roles', () => {
    const roleSets = fc.uniqueArray(fc.oneof(fc.constantFrom(...ROLES), fc.string()), { maxLength: 6 });
    fc.assert(
      fc.property(roleSets, (roles) => {
        const granted = permissionsForRoles(roles);
        for (const role of ROLES.filter((r) => roles.includes(r))) {
          expect(granted).toEqual(expect.arrayContaining([...ROLE_PERMISSIONS[role]]));
        }
        expect(
          granted.every((permission) =>
            ROLES.some((r) => roles.includes(r) && ROLE_PERMISSIONS[r].includes(permission)),
          ),
        ).toBe(true);
        expect(new Set(granted).size).toBe(granted.length);
      }),
    );
  });
});

describe('hasPermission', () => {
  it('reads the token permissions, not the roles', () => {
    expect(hasPermission(principal(['owner'], []), 'leads:read')).toBe(false);
    expect(hasPermission(principal([], ['leads:read']), 'leads:read')).toBe(true);
  });

  it('grants * to service principals only', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERMISSIONS), (permission) => {
        expect(hasPermission(principal(['service'], ['*']), permission)).toBe(true);
        expect(hasPermission(principal(['owner', 'admin'], ['*']), permission)).toBe(false);
      }),
    );
  });

  it('hasRole is a plain membership check', () => {
    expect(hasRole(principal(['manager'], []), 'manager')).toBe(true);
    expect(hasRole(principal(['manager'], []), 'admin')).toBe(false);
  });
});
