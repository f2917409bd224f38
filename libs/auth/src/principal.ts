import type { AccessTokenClaims, SubscriptionPlan } from './token-claims.ts';

/** Who is calling, as established by a verified access token. */
export interface Principal {
  readonly userId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
  /** Resolved at issue time; authorisation checks read these, not the roles. */
  readonly permissions: readonly string[];
  /** The token's `jti`, for revocation lists and audit logs. */
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** The tenant's subscription plan as of issue time; the gateway's rate limits follow it. */
  readonly plan: SubscriptionPlan;
}

/**
 * Role carried by platform services calling each other (e.g. integration -> domain-repository).
 * user-management issues such tokens per tenant to configured service clients
 * (`POST /api/v1/auth/service-tokens`, see {@link createServiceTokenSource}); only they may use
 * the `*` permission wildcard, see {@link hasPermission}.
 */
export const SERVICE_ROLE = 'service';

export function isServicePrincipal(principal: Principal): boolean {
  return principal.roles.includes(SERVICE_ROLE);
}

/** UUIDs are lower-cased so tenant comparisons and RLS settings never differ by case. */
export function principalFromClaims(claims: AccessTokenClaims): Principal {
  return {
    userId: claims.sub.toLowerCase(),
    tenantId: claims.tenant_id.toLowerCase(),
    roles: Object.freeze([...claims.roles]),
    permissions: Object.freeze([...claims.permissions]),
    tokenId: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
    plan: claims.plan ?? 'free',
  };
}
