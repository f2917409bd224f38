import { randomUUID } from 'node:crypto';
import type { SubscriptionPlan } from '@bizosaas/auth';
import type { IdentityContext, RequestMeta } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { signAccessToken } from '../tokens/access-token.ts';
import { newOpaqueToken, sha256 } from '../tokens/opaque-token.ts';

export type Tx = Prisma.TransactionClient;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** Opens a session (a new refresh-token family) for a user inside the caller's tenant transaction. */
export async function openSession(
  tx: Tx,
  ctx: IdentityContext,
  input: { tenantId: string; userId: string; meta: RequestMeta },
): Promise<{ sessionId: string; refreshToken: string }> {
  const now = ctx.now();
  const sessionId = randomUUID();
  await tx.session.create({
    data: {
      id: sessionId,
      tenantId: input.tenantId,
      userId: input.userId,
      userAgent: input.meta.userAgent?.slice(0, 500) ?? null,
      ip: input.meta.ip,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + ctx.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000),
    },
  });
  const refreshToken = await addRefreshToken(tx, input.tenantId, sessionId, now);
  return { sessionId, refreshToken };
}

/** The next token of a family; only its hash is kept. */
export async function addRefreshToken(tx: Tx, tenantId: string, sessionId: string, now: Date): Promise<string> {
  const token = newOpaqueToken(tenantId);
  await tx.refreshToken.create({
    data: { id: randomUUID(), tenantId, sessionId, tokenHash: sha256(token), createdAt: now },
  });
  return token;
}

/** Ends families: no refresh token of theirs works again. Returns how many were active. */
export async function revokeSessions(
  tx: Tx,
  where: { id?: string; userId?: string },
  reason: string,
  now: Date,
): Promise<number> {
  const { count } = await tx.session.updateMany({
    where: { ...where, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return count;
}

/** Access token for a user's session plus its refresh token, as the auth routes answer. */
export async function tokenPair(
  ctx: IdentityContext,
  input: { userId: string; tenantId: string; role: string; plan: string; sessionId: string; refreshToken: string },
): Promise<TokenPair> {
  const { token, expiresIn } = await signAccessToken(ctx.ring, {
    subject: input.userId,
    tenantId: input.tenantId,
    roles: [input.role],
    plan: input.plan as SubscriptionPlan,
    sessionId: input.sessionId,
    ttlSeconds: ctx.config.ACCESS_TOKEN_TTL_SECONDS,
    now: ctx.now(),
  });
  return { accessToken: token, refreshToken: input.refreshToken, expiresIn, tokenType: 'Bearer' };
}
