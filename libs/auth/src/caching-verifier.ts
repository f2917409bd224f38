import type { TokenVerifier } from './jwks-verifier.ts';
import type { Principal } from './principal.ts';

export interface TokenCacheOptions {
  /** Tokens remembered at once; the oldest is forgotten first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Remembers the principal of each token verified successfully, until the token expires, so a
 * client reusing its access token (the usual case) costs one signature check, not one per
 * request. Keyed by the whole token, signature included: a changed token is a new entry and is
 * verified. Failures are never cached. A token stays accepted until it expires even if its key
 * leaves the key set meanwhile: access tokens are short-lived.
 */
export function cachingVerifier(verifier: TokenVerifier, options: TokenCacheOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  const verified = new Map<string, Principal>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && known.expiresAt.getTime() > now()) return known;
      verified.delete(token);
      const principal = await verifier.verify(token);
      if (verified.size >= options.maxEntries) verified.delete(verified.keys().next().value!);
      verified.set(token, principal);
      return principal;
    },
  };
}
