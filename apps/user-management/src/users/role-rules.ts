import { BusinessRuleViolation, ForbiddenError } from '@bizosaas/ddd-kernel';

/** Only an owner hands out the owner role. */
export function assertCanAssign(callerRoles: readonly string[], role: string): void {
  if (role === 'owner' && !callerRoles.includes('owner')) {
    throw new ForbiddenError('Only an owner can grant the owner role', { reason: 'owner_role_required' });
  }
}

/** Only an owner changes or deactivates another owner. */
export function assertCanManage(callerRoles: readonly string[], target: { role: string }): void {
  if (target.role === 'owner' && !callerRoles.includes('owner')) {
    throw new ForbiddenError('Only an owner can change an owner', { reason: 'owner_role_required' });
  }
}

/** A tenant always keeps one active owner: the last cannot be demoted or deactivated. */
export function assertOwnerRemains(
  target: { role: string; status: string },
  activeOwners: number,
  losesOwnership: boolean,
): void {
  if (losesOwnership && target.role === 'owner' && target.status === 'active' && activeOwners <= 1) {
    throw new BusinessRuleViolation('last_owner', 'The last owner of a tenant cannot be demoted or deactivated', {
      activeOwners,
    });
  }
}
