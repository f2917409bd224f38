import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { IdentityContext } from '../context.ts';
import { addRefreshToken, revokeSessions, tokenPair, type TokenPair, type Tx } from '../sessions/session-store.ts';
import { sha256, tenantOfOpaqueToken } from '../tokens/opaque-token.ts';

type Outcome =
  | { kind: 'ok'; userId: string; role: string; plan: string; sessionId: string; refreshToken: string }
  | { kind: 'invalid' }
  | { kind: 'reused' };

/**
 * Rotates a refresh token: the presented one is spent, the next one of the same family comes
 * back with a new access token. A spent token presented again means the family leaked: the
 * whole session is revoked (committed) and the answer is 401. The row lock serialises two
 * concurrent uses of one token, so exactly one of them wins.
 */
export async function refresh(ctx: IdentityContext, refreshToken: string): Promise<TokenPair> {
  const tenantId = tenantOfOpaqueToken(refreshToken);
  if (tenantId === undefined) throw rejected('invalid_refresh_token');
  const outcome = await withTenant(ctx.prisma, tenantId, (tx) => rotate(tx, ctx, tenantId, sha256(refreshToken)));
  if (outcome.kind === 'reused') throw rejected('refresh_token_reused');
  if (outcome.kind === 'invalid') throw rejected('invalid_refresh_token');
  return tokenPair(ctx, { tenantId, ...outcome });
}

async function rotate(tx: Tx, ctx: IdentityContext, tenantId: string, tokenHash: string): Promise<Outcome> {
  const now = ctx.now();
  const [token] = await tx.$queryRaw<{ session_id: string; used_at: Date | null }[]>`
    SELECT session_id, used_at FROM refresh_tokens WHERE token_hash = ${tokenHash} FOR UPDATE`;
  if (token === undefined) return { kind: 'invalid' };
  if (token.used_at !== null) {
    await revokeSessions(tx, { id: token.session_id }, 'refresh_token_reused', now);
    return { kind: 'reused' };
  }
  const session = await tx.session.findUnique({ where: { id: token.session_id } });
  if (session === null || session.revokedAt !== null || session.expiresAt <= now) return { kind: 'invalid' };
  const user = await tx.user.findUnique({ where: { id: session.userId } });
  if (user === null || user.status !== 'active') return { kind: 'invalid' };
  const tenant = await tx.tenant.findUniqueOrThrow({ where: { tenantId } });
  await tx.refreshToken.update({ where: { tokenHash }, data: { usedAt: now } });
  await tx.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  const next = await addRefreshToken(tx, tenantId, session.id, now);
  return { kind: 'ok', userId: user.id, role: user.role, plan: tenant.plan, sessionId: session.id, refreshToken: next };
}

function rejected(reason: string): UnauthenticatedError {
  return new UnauthenticatedError('Invalid refresh token', { reason });
}
