import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '@bizosaas/auth';
import { AppError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { actorOf } from '../auth/caller.ts';
import type { IdentityContext } from '../context.ts';
import { recordEvents } from '../events/record-events.ts';
import { hashPassword } from '../passwords/password-hash.ts';
import { assertPasswordPolicy } from '../passwords/password-policy.ts';
import { newOpaqueToken, sha256 } from '../tokens/opaque-token.ts';
import { assertCanAssign } from './role-rules.ts';
import { toUserView, type UserView } from './user-view.ts';

export interface CreateUserInput {
  email: string;
  role: Role;
  password?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

/**
 * An admin adds a user to the caller's tenant: with a password the user is active; without one
 * the user is invited and the invitation token is returned this once (only its hash is kept).
 */
export async function createUser(
  ctx: IdentityContext,
  caller: Principal,
  input: CreateUserInput,
  correlationId: string,
): Promise<{ user: UserView; invitationToken?: string; invitationExpiresAt?: string }> {
  assertCanAssign(caller.roles, input.role);
  const email = input.email.toLowerCase();
  if (input.password !== undefined) assertPasswordPolicy(input.password, email);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const now = ctx.now();
  const invitationToken = passwordHash === null ? newOpaqueToken(caller.tenantId) : undefined;
  const invitationExpiresAt = invitationToken
    ? new Date(now.getTime() + ctx.config.INVITATION_TTL_HOURS * 3_600_000)
    : null;
  const status = passwordHash === null ? 'invited' : 'active';
  const id = randomUUID();
  const user = await withTenant(ctx.prisma, caller.tenantId, async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO users (id, tenant_id, email, password_hash, first_name, last_name, role, status, invitation_hash, invitation_expires_at, created_at, updated_at)
      VALUES (${id}::uuid, ${caller.tenantId}::uuid, ${email}, ${passwordHash}, ${input.firstName ?? null}, ${input.lastName ?? null}, ${input.role},
        ${status}, ${invitationToken ? sha256(invitationToken) : null}, ${invitationExpiresAt}, ${now}, ${now})
      ON CONFLICT (tenant_id, email) DO NOTHING`;
    if (inserted === 0)
      throw new AppError('CONFLICT', 409, 'A user with this e-mail already exists in the tenant', { field: 'email' });
    const row = await tx.user.findUniqueOrThrow({ where: { id } });
    await recordEvents(tx, [
      createEvent({
        type: 'user.created',
        tenantId: caller.tenantId,
        actor: actorOf(caller),
        correlationId,
        aggregateId: id,
        aggregateVersion: 1,
        data: { email, firstName: row.firstName, lastName: row.lastName, roles: [row.role], status },
      }),
    ]);
    return row;
  });
  ctx.notifier.notify();
  return {
    user: toUserView(user),
    ...(invitationToken && { invitationToken, invitationExpiresAt: invitationExpiresAt!.toISOString() }),
  };
}
