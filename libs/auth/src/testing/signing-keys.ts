import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { permissionsForRoles } from '../permissions.ts';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessTokenClaims } from '../token-claims.ts';

export type SigningAlgorithm = 'EdDSA' | 'ES256';

/** A key pair standing in for user-management's signing key in tests. */
export interface TestSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Generates a key pair and its public JWK (with kid, alg, use: sig). */
export async function generateSigningKey(
  alg: SigningAlgorithm = 'EdDSA',
  kid = `${alg.toLowerCase()}-${randomUUID()}`,
): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/** The JWKS document a set of keys publishes. */
export function jwksOf(...keys: TestSigningKey[]): JSONWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) };
}

/** Valid claims for a fresh member of a fresh tenant, valid five minutes from `now`. */
export function testClaims(overrides: Partial<AccessTokenClaims> = {}, now = new Date()): AccessTokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  const roles = overrides.roles ?? ['member'];
  return {
    sub: randomUUID(),
    tenant_id: randomUUID(),
    roles,
    permissions: permissionsForRoles(roles),
    jti: randomUUID(),
    iat,
    exp: iat + 300,
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    token_use: 'access',
    ...overrides,
  };
}

/** Signs any claims set (valid or deliberately broken) as a compact JWS with the key's kid. */
export async function signTestToken(
  key: TestSigningKey,
  claims: Record<string, unknown> = testClaims(),
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
}
