import type { Principal, Role } from '@bizosaas/auth';
import { BusinessRuleViolation, NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { actorOf } from '../auth/caller.ts';
import type { IdentityContext } from '../context.ts';
import { recordEvents } from '../events/record-events.ts';
import { revokeSessions, type Tx } from '../sessions/session-store.ts';
import { assertCanAssign, assertCanManage, assertOwnerRemains } from './role-rules.ts';
import { toUserView, type UserView } from './user-view.ts';

export interface UpdateUserInput {
  firstName?: string | undefined;
  lastName?: string | undefined;
  role?: Role | undefined;
}

/**
 * Loads the target under the tenant row's lock: every change that can remove an owner takes
 * it first, so two admins demoting the last two owners at once cannot both pass the check.
 */
async function lockTarget(tx: Tx, tenantId: string, userId: string) {
  await tx.$queryRaw`SELECT 1 FROM tenants WHERE tenant_id = ${tenantId}::uuid FOR UPDATE`;
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (user === null) throw new NotFoundError('User not found', { userId });
  const activeOwners = await tx.user.count({ where: { role: 'owner', status: 'active' } });
  return { user, activeOwners };
}

export async function updateUser(
  ctx: IdentityContext,
  caller: Principal,
  userId: string,
  input: UpdateUserInput,
  correlationId: string,
): Promise<UserView> {
  const updated = await withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const { user, activeOwners } = await lockTarget(tx, caller.tenantId, userId);
    assertCanManage(caller.roles, user);
    const changes: { firstName?: string; lastName?: string; roles?: string[] } = {};
    if (input.firstName !== undefined && input.firstName !== user.firstName) changes.firstName = input.firstName;
    if (input.lastName !== undefined && input.lastName !== user.lastName) changes.lastName = input.lastName;
    if (input.role !== undefined && input.role !== user.role) {
      assertCanAssign(caller.roles, input.role);
      assertOwnerRemains(user, activeOwners, true);
      changes.roles = [input.role];
    }
    if (Object.keys(changes).length === 0) return user;
    const row = await tx.user.update({
      where: { id: userId },
      data: {
        firstName: changes.firstName,
        lastName: changes.lastName,
        role: changes.roles?.[0],
        version: { increment: 1 },
        updatedAt: ctx.now(),
      },
    });
    await recordEvents(tx, [
      createEvent({
        type: 'user.updated',
        tenantId: caller.tenantId,
        actor: actorOf(caller),
        correlationId,
        aggregateId: userId,
        aggregateVersion: row.version,
        data: { changes },
      }),
    ]);
    return row;
  });
  ctx.notifier.notify();
  return toUserView(updated);
}

/** Deactivation ends every session of the user at once (their refresh tokens stop working). */
export async function deactivateUser(
  ctx: IdentityContext,
  caller: Principal,
  userId: string,
  input: { reason: 'left_company' | 'security' | 'admin_request' | 'tenant_closed' | 'other'; note: string | null },
  correlationId: string,
): Promise<UserView> {
  const updated = await withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const { user, activeOwners } = await lockTarget(tx, caller.tenantId, userId);
    assertCanManage(caller.roles, user);
    if (user.status === 'deactivated') return user;
    assertOwnerRemains(user, activeOwners, true);
    const now = ctx.now();
    const row = await tx.user.update({
      where: { id: userId },
      data: {
        status: 'deactivated',
        invitationHash: null,
        invitationExpiresAt: null,
        version: { increment: 1 },
        updatedAt: now,
      },
    });
    await revokeSessions(tx, { userId }, 'user_deactivated', now);
    await recordEvents(tx, [
      createEvent({
        type: 'user.deactivated',
        tenantId: caller.tenantId,
        actor: actorOf(caller),
        correlationId,
        aggregateId: userId,
        aggregateVersion: row.version,
        data: input,
      }),
    ]);
    return row;
  });
  ctx.notifier.notify();
  return toUserView(updated);
}

/** Back to active (the catalogue has no event for it). An invited user cannot be reactivated into an account without a password. */
export async function reactivateUser(ctx: IdentityContext, caller: Principal, userId: string): Promise<UserView> {
  return withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const { user } = await lockTarget(tx, caller.tenantId, userId);
    assertCanManage(caller.roles, user);
    if (user.status === 'active') return toUserView(user);
    if (user.passwordHash === null) {
      throw new BusinessRuleViolation('no_password', 'The user never accepted the invitation', {
        currentStatus: user.status,
      });
    }
    const row = await tx.user.update({
      where: { id: userId },
      data: { status: 'active', version: { increment: 1 }, updatedAt: ctx.now() },
    });
    return toUserView(row);
  });
}

/** Admin sign-out of a user everywhere; answers how many sessions were active. */
export async function revokeUserSessions(ctx: IdentityContext, caller: Principal, userId: string): Promise<number> {
  return withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (user === null) throw new NotFoundError('User not found', { userId });
    assertCanManage(caller.roles, user);
    return revokeSessions(tx, { userId }, 'admin_revoked', ctx.now());
  });
}
