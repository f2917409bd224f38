import { z } from 'zod';

/** `iss` of every access token user-management signs. */
export const TOKEN_ISSUER = 'bizosaas-user-management';

/** `aud` shared by every BizOSaaS service. */
export const TOKEN_AUDIENCE = 'bizosaas';

/**
 * The only JWS algorithms accepted. Asymmetric on purpose: services hold public keys only, so
 * no service can mint tokens. `none` and every HMAC algorithm are refused before any key lookup.
 */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'ES256'] as const;

/** Subscription plans (the same values as the event catalogue's `plan`); rate limits follow them. */
export const SUBSCRIPTION_PLANS = ['free', 'starter', 'professional', 'enterprise'] as const;

export type SubscriptionPlan = (typeof SUBSCRIPTION_PLANS)[number];

/**
 * The access-token claims set, shared by the issuer (user-management) and every verifier.
 * Unknown claims are tolerated (and dropped) so the issuer can add claims before verifiers
 * know them. `token_use` keeps refresh or other JWTs signed with the same key from being
 * accepted as access tokens.
 */
export const accessTokenClaimsSchema = z.object({
  sub: z.uuid(),
  tenant_id: z.uuid(),
  roles: z.array(z.string().min(1)),
  permissions: z.array(z.string().min(1)),
  jti: z.string().min(1),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  iss: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  token_use: z.literal('access').optional(),
  /** The tenant's plan when the token was issued; absent on older tokens (treated as `free`). */
  plan: z.enum(SUBSCRIPTION_PLANS).optional(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;
