import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { IdentityContext, RequestMeta } from '../context.ts';
import { hashPassword } from '../passwords/password-hash.ts';
import { assertPasswordPolicy } from '../passwords/password-policy.ts';
import { openSession, tokenPair, type TokenPair } from '../sessions/session-store.ts';
import { sha256, tenantOfOpaqueToken } from '../tokens/opaque-token.ts';
import { toUserView, type UserView } from './user-view.ts';

const invalid = () => new UnauthenticatedError('Invalid or expired invitation', { reason: 'invalid_invitation' });

/** An invited user sets a password (policy checked) and is signed in; the invitation works once. */
export async function acceptInvitation(
  ctx: IdentityContext,
  input: { token: string; password: string },
  meta: RequestMeta,
): Promise<TokenPair & { user: UserView }> {
  const tenantId = tenantOfOpaqueToken(input.token);
  if (tenantId === undefined) throw invalid();
  const now = ctx.now();
  const invitationHash = sha256(input.token);
  const invited = await withTenant(ctx.prisma, tenantId, (tx) =>
    tx.user.findFirst({ where: { invitationHash, status: 'invited', invitationExpiresAt: { gt: now } } }),
  );
  if (invited === null) throw invalid();
  assertPasswordPolicy(input.password, invited.email);
  const passwordHash = await hashPassword(input.password);
  const accepted = await withTenant(ctx.prisma, tenantId, async (tx) => {
    // Guarded by the hash and status: two concurrent acceptances, only one updates.
    const { count } = await tx.user.updateMany({
      where: { id: invited.id, invitationHash, status: 'invited' },
      data: {
        passwordHash,
        status: 'active',
        invitationHash: null,
        invitationExpiresAt: null,
        updatedAt: now,
        version: { increment: 1 },
      },
    });
    if (count === 0) return undefined;
    const user = await tx.user.findUniqueOrThrow({ where: { id: invited.id } });
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { tenantId } });
    const session = await openSession(tx, ctx, { tenantId, userId: user.id, meta });
    return { user, plan: tenant.plan, ...session };
  });
  if (accepted === undefined) throw invalid();
  const tokens = await tokenPair(ctx, { userId: accepted.user.id, tenantId, role: accepted.user.role, ...accepted });
  return { ...tokens, user: toUserView(accepted.user) };
}
