import { createJwksVerifier, type TokenVerifier } from '@bizosaas/auth';
import { decodeProtectedHeader } from 'jose';
import type { KeyRing } from './key-ring.ts';

/**
 * Verifies this service's own tokens against its key ring (no HTTP round trip to itself). A token
 * naming a key not in the cached set forces a re-read, at most once per `cooldownMs`, so junk
 * key ids cannot hammer the database.
 */
export function createLocalVerifier(
  ring: KeyRing,
  options: { cooldownMs?: number; now?: () => Date } = {},
): TokenVerifier {
  const cooldownMs = options.cooldownMs ?? 5_000;
  let forcedAt = -Infinity;
  let verifier: TokenVerifier | undefined;
  let kids = new Set<string>();

  async function current(kid: string | undefined): Promise<TokenVerifier> {
    if (kid !== undefined && !kids.has(kid) && Date.now() - forcedAt >= cooldownMs) {
      forcedAt = Date.now();
      await ring.reload(true);
      verifier = undefined;
    }
    const jwks = await ring.jwks();
    const latest = new Set(jwks.keys.map((key) => String(key.kid)));
    if (verifier === undefined || latest.size !== kids.size || [...latest].some((k) => !kids.has(k))) {
      kids = latest;
      verifier = createJwksVerifier({ jwks, ...(options.now && { now: options.now }) });
    }
    return verifier;
  }

  return {
    async verify(token) {
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        kid = undefined; // malformed: the verifier below rejects it with the right reason
      }
      return (await current(kid)).verify(token);
    },
  };
}
