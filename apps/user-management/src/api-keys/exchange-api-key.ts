import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import type { SubscriptionPlan } from '@bizosaas/auth';
import { withTenant } from '@bizosaas/db';
import { API_KEY_ROLE } from '../auth/caller.ts';
import type { IdentityContext } from '../context.ts';
import { signAccessToken } from '../tokens/access-token.ts';
import { parseApiKey, sameHash } from '../tokens/opaque-token.ts';

const invalid = () => new UnauthenticatedError('Invalid API key', { reason: 'invalid_api_key' });

/** A live key becomes a short access token (roles ['api-key']) carrying only the key's permissions. */
export async function exchangeApiKey(
  ctx: IdentityContext,
  apiKey: string,
): Promise<{ accessToken: string; expiresIn: number; tokenType: 'Bearer' }> {
  const parsed = parseApiKey(apiKey);
  if (parsed === undefined) throw invalid();
  const now = ctx.now();
  const found = await withTenant(ctx.prisma, parsed.tenantId, async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id: parsed.keyId } });
    if (key === null || key.revokedAt !== null || !sameHash(key.secretHash, parsed.secretHash)) return undefined;
    await tx.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
    const tenant = await tx.tenant.findUniqueOrThrow({ where: { tenantId: parsed.tenantId } });
    return { key, plan: tenant.plan };
  });
  if (found === undefined) throw invalid();
  const { token, expiresIn } = await signAccessToken(ctx.ring, {
    subject: found.key.id,
    tenantId: parsed.tenantId,
    roles: [API_KEY_ROLE],
    permissions: found.key.permissions,
    plan: found.plan as SubscriptionPlan,
    ttlSeconds: ctx.config.API_KEY_TOKEN_TTL_SECONDS,
    now,
  });
  return { accessToken: token, expiresIn, tokenType: 'Bearer' };
}
