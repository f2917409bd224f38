import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { principalFromClaims, type Principal } from './principal.ts';
import { ALLOWED_ALGORITHMS, TOKEN_AUDIENCE, TOKEN_ISSUER, accessTokenClaimsSchema } from './token-claims.ts';
import { KeySourceFailure, toAuthError, tokenRejected } from './token-rejection.ts';

/** Turns a bearer token into a Principal or throws a kernel error (401, or 503 if keys are unreachable). */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

interface CommonOptions {
  /** Accepted `iss` value(s); defaults to {@link TOKEN_ISSUER}. */
  issuer?: string | string[];
  /** Required `aud`; defaults to {@link TOKEN_AUDIENCE}. */
  audience?: string;
  /** Allowed clock skew for `exp`/`nbf`, seconds; default 5. */
  clockToleranceSeconds?: number;
  /** Injected clock for `exp`/`nbf` checks; defaults to the system clock. */
  now?: () => Date;
}

/** Keys from user-management's JWKS endpoint, cached; an unknown `kid` triggers a refetch after the cooldown. */
export interface RemoteJwksVerifierOptions extends CommonOptions {
  jwksUrl: string | URL;
  /** Minimum time between refetches caused by unknown `kid`s, ms; default 30 000. */
  jwksCooldownMs?: number;
  /** Keys are refetched after this age, ms; default 600 000. */
  jwksCacheMaxAgeMs?: number;
  /** Abort a JWKS fetch after this long, ms; default 5 000. */
  jwksTimeoutMs?: number;
  jwks?: never;
}

/** A fixed key set, for tests and tools. */
export interface LocalJwksVerifierOptions extends CommonOptions {
  jwks: JSONWebKeySet;
  jwksUrl?: never;
}

export type JwksVerifierOptions = RemoteJwksVerifierOptions | LocalJwksVerifierOptions;

/**
 * Creates a verifier for BizOSaaS access tokens: EdDSA or ES256 signature against the JWKS,
 * issuer, audience, expiry, then the claims schema. Keys are imported once and cached.
 */
export function createJwksVerifier(options: JwksVerifierOptions): TokenVerifier {
  const getKey = guardKeySource(keySource(options));
  const baseOptions: JWTVerifyOptions = {
    algorithms: [...ALLOWED_ALGORITHMS],
    issuer: options.issuer ?? TOKEN_ISSUER,
    audience: options.audience ?? TOKEN_AUDIENCE,
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };
  const { now } = options;
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        const verifyOptions = now ? { ...baseOptions, currentDate: now() } : baseOptions;
        ({ payload } = await jwtVerify(token, getKey, verifyOptions));
      } catch (err) {
        throw toAuthError(err);
      }
      return principalFromClaims(parseClaims(payload));
    },
  };
}

function keySource(options: JwksVerifierOptions): JWTVerifyGetKey {
  if (options.jwks) return createLocalJWKSet(options.jwks);
  return createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.jwksTimeoutMs ?? 5_000,
  });
}

/**
 * Lets "this token names a key/alg we don't have" through as a token problem and marks every
 * other resolver failure (network, timeout, non-200, bad JSON, unusable keys) as a key-source outage.
 */
function guardKeySource(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (err) {
      if (
        err instanceof errors.JWKSNoMatchingKey ||
        err instanceof errors.JWKSMultipleMatchingKeys ||
        err instanceof errors.JOSENotSupported
      ) {
        throw err;
      }
      throw new KeySourceFailure(err);
    }
  };
}

function parseClaims(payload: JWTPayload) {
  const parsed = accessTokenClaimsSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const claims = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '(root)')))];
  throw tokenRejected('invalid_claims', { claims });
}
