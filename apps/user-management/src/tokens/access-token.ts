import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, permissionsForRoles, type SubscriptionPlan } from '@bizosaas/auth';
import type { KeyRing } from '../signing-keys/key-ring.ts';

export interface AccessTokenInput {
  subject: string;
  tenantId: string;
  roles: string[];
  /** Defaults to the roles' permissions; API-key tokens carry the key's own. */
  permissions?: string[];
  plan: SubscriptionPlan;
  /** The session (refresh-token family) the token belongs to; absent for API-key tokens. */
  sessionId?: string;
  ttlSeconds: number;
  now: Date;
}

/** Signs an access token with the ring's active key; claims as libs/auth `accessTokenClaimsSchema`, plus `sid`. */
export async function signAccessToken(
  ring: KeyRing,
  input: AccessTokenInput,
): Promise<{ token: string; expiresIn: number }> {
  const key = await ring.signingKey();
  const iat = Math.floor(input.now.getTime() / 1000);
  const claims = {
    tenant_id: input.tenantId,
    roles: input.roles,
    permissions: input.permissions ?? permissionsForRoles(input.roles),
    token_use: 'access',
    plan: input.plan,
    ...(input.sessionId && { sid: input.sessionId }),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(input.subject)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + input.ttlSeconds)
    .sign(key.privateKey);
  return { token, expiresIn: input.ttlSeconds };
}
