import { errors } from 'jose';
import { ServiceUnavailableError, UnauthenticatedError, type AppError } from '@bizosaas/ddd-kernel';

/** Stable codes in `details.reason` of every UNAUTHENTICATED answer this library produces. */
export type TokenRejectionReason =
  | 'missing_token'
  | 'malformed_header'
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_signature'
  | 'unknown_key'
  | 'ambiguous_key'
  | 'algorithm_not_allowed'
  | 'unsupported'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'invalid_claims';

const messages: Partial<Record<TokenRejectionReason, string>> = {
  missing_token: 'Authentication required',
  malformed_header: 'Authorization header must be "Bearer <token>"',
  expired: 'Access token has expired',
};

/** The one way this library says "no": a safe message and a reason code, nothing from jose. */
export function tokenRejected(
  reason: TokenRejectionReason,
  details: Record<string, unknown> = {},
): UnauthenticatedError {
  return new UnauthenticatedError(messages[reason] ?? 'Invalid access token', { reason, ...details });
}

/**
 * Marks a failure of the key source itself (JWKS unreachable, timed out, not JSON, bad keys).
 * That is our outage, not the caller's bad token, so it must not read as 401 (clients would
 * drop valid sessions); it becomes 503.
 */
export class KeySourceFailure extends Error {
  constructor(cause: unknown) {
    super('JWKS unavailable', { cause });
    this.name = 'KeySourceFailure';
  }
}

const reasonByJoseCode: Record<string, TokenRejectionReason> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'invalid_signature',
  ERR_JWKS_NO_MATCHING_KEY: 'unknown_key',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'ambiguous_key',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm_not_allowed',
  ERR_JOSE_NOT_SUPPORTED: 'unsupported',
  ERR_JWS_INVALID: 'malformed',
  ERR_JWT_INVALID: 'malformed',
};

const reasonByClaim: Record<string, TokenRejectionReason> = {
  iss: 'invalid_issuer',
  aud: 'invalid_audience',
  nbf: 'not_yet_valid',
};

/**
 * Translates whatever `jwtVerify` threw into a kernel error. Non-jose errors are programming
 * errors and are rethrown untouched so they surface as 500s in the logs.
 */
export function toAuthError(err: unknown): AppError {
  if (err instanceof KeySourceFailure) {
    return new ServiceUnavailableError('Token verification keys are unavailable', {
      reason: 'jwks_unavailable',
    });
  }
  if (!(err instanceof errors.JOSEError)) throw err;
  if (err instanceof errors.JWTClaimValidationFailed) {
    const reason = reasonByClaim[err.claim];
    return reason ? tokenRejected(reason) : tokenRejected('invalid_claims', { claims: [err.claim] });
  }
  return tokenRejected(reasonByJoseCode[err.code] ?? 'malformed');
}
