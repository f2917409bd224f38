import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, SignJWT, base64url } from 'jose';
import fc from 'fast-check';
import { AppError, ServiceUnavailableError, UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { createJwksVerifier, type TokenVerifier } from './jwks-verifier.ts';
import {
  generateSigningKey,
  jwksOf,
  signTestToken,
  startJwksServer,
  testClaims,
  type TestJwksServer,
  type TestSigningKey,
} from './testing/index.ts';

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the verification to fail');
}

async function expectRejected(promise: Promise<unknown>, details: Record<string, unknown>) {
  const err = await rejectionOf(promise);
  expect(err).toBeInstanceOf(UnauthenticatedError);
  expect(err.status).toBe(401);
  expect(err.details).toEqual(details);
  expect(err.message).not.toMatch(/jose|JWS|JWK|claim|header/i);
}

const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

let edKey: TestSigningKey;
let ecKey: TestSigningKey;
let server: TestJwksServer;
let verifier: TokenVerifier;

beforeAll(async () => {
  [edKey, ecKey] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('ES256')]);
  server = await startJwksServer(jwksOf(edKey, ecKey));
  verifier = createJwksVerifier({ jwksUrl: server.url });
});

afterAll(() => server.close());

describe('createJwksVerifier with a remote JWKS', () => {
  it.each(['EdDSA', 'ES256'] as const)('turns a valid %s token into a principal', async (alg) => {
    const claims = testClaims({ roles: ['manager'], permissions: ['leads:read', 'leads:write'] });
    const token = await signTestToken(alg === 'EdDSA' ? edKey : ecKey, claims);

    expect(await verifier.verify(token)).toEqual({
      userId: claims.sub,
      tenantId: claims.tenant_id,
      roles: ['manager'],
      permissions: ['leads:read', 'leads:write'],
      tokenId: claims.jti,
      expiresAt: new Date(claims.exp * 1000),
      plan: 'free',
    });
  });

  it('refuses an expired token, allowing 5 s of clock skew', async () => {
    const issuedAt = new Date('2030-01-01T00:00:00Z');
    const token = await signTestToken(edKey, testClaims({}, issuedAt));
    const at = (seconds: number) =>
      createJwksVerifier({ jwks: jwksOf(edKey), now: () => new Date(issuedAt.getTime() + seconds * 1000) });

    await expect(at(304).verify(token)).resolves.toMatchObject({ tokenId: expect.any(String) });
    await expectRejected(at(306).verify(token), { reason: 'expired' });
    const stale = await signTestToken(edKey, testClaims({}, new Date(Date.now() - 600_000)));
    await expectRejected(verifier.verify(stale), { reason: 'expired' });
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const claims = testClaims({ roles: ['viewer'], permissions: ['leads:read'] });
    const [header, , signature] = (await signTestToken(edKey, claims)).split('.');
    const forged = encodeJson({ ...claims, roles: ['owner'], permissions: ['tenant:manage'] });

    await expectRejected(verifier.verify(`${header}.${forged}.${signature}`), { reason: 'invalid_signature' });
  });

  it('refuses an unsecured alg:none token', async () => {
    const token = `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson(testClaims())}.`;
    await expectRejected(verifier.verify(token), { reason: 'algorithm_not_allowed' });
  });

  it('refuses HS256, even keyed with the published public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(edKey.publicJwk));
    const token = await new SignJWT(testClaims()).setProtectedHeader({ alg: 'HS256', kid: edKey.kid }).sign(secret);

    await expectRejected(verifier.verify(token), { reason: 'algorithm_not_allowed' });
  });

  it('refuses a token signed by a key the JWKS does not publish', async () => {
    const stranger = await generateSigningKey('EdDSA');
    const impostor = await generateSigningKey('EdDSA', edKey.kid);

    await expectRejected(verifier.verify(await signTestToken(stranger)), { reason: 'unknown_key' });
    await expectRejected(verifier.verify(await signTestToken(impostor)), { reason: 'invalid_signature' });
  });

  it('refuses a wrong issuer or audience', async () => {
    const wrongIssuer = await signTestToken(edKey, testClaims({ iss: 'someone-else' }));
    const wrongAudience = await signTestToken(edKey, testClaims({ aud: 'another-product' }));

    await expectRejected(verifier.verify(wrongIssuer), { reason: 'invalid_issuer' });
    await expectRejected(verifier.verify(wrongAudience), { reason: 'invalid_audience' });
  });

  it('refuses claims that do not match the schema, naming the claims', async () => {
    const { tenant_id: _omitted, ...withoutTenant } = testClaims();
    const notUuids = testClaims({ sub: 'admin', tenant_id: '42' });
    const refreshToken = { ...testClaims(), token_use: 'refresh' };

    await expectRejected(verifier.verify(await signTestToken(edKey, withoutTenant)), {
      reason: 'invalid_claims',
      claims: ['tenant_id'],
    });
    await expectRejected(verifier.verify(await signTestToken(edKey, notUuids)), {
      reason: 'invalid_claims',
      claims: ['sub', 'tenant_id'],
    });
    await expectRejected(verifier.verify(await signTestToken(edKey, refreshToken)), {
      reason: 'invalid_claims',
      claims: ['token_use'],
    });
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'e30.e30.'])('refuses the malformed token %j', async (token) => {
    await expectRejected(verifier.verify(token), { reason: 'malformed' });
  });

  it('refuses a correctly signed payload that is not a JSON claims set', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'EdDSA', kid: edKey.kid })
      .sign(edKey.privateKey);

    await expectRejected(verifier.verify(token), { reason: 'malformed' });
  });

  it('never yields another identity or a non-401 error for a corrupted token', async () => {
    const claims = testClaims();
    const token = await signTestToken(edKey, claims);
    const local = createJwksVerifier({ jwks: jwksOf(edKey) });
    const original = await local.verify(token);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...alphabet), async (index, char) => {
        fc.pre(token[index] !== char);
        const corrupted = token.slice(0, index) + char + token.slice(index + 1);
        try {
          // Base64url is decoded leniently: unused trailing bits may change without changing the bytes.
          expect(await local.verify(corrupted)).toEqual(original);
        } catch (err) {
          expect(err).toBeInstanceOf(UnauthenticatedError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('key rotation and the JWKS cache', () => {
  it('fetches the JWKS again when a token names a kid it has not seen', async () => {
    const rotating = await startJwksServer(jwksOf(edKey));
    try {
      const rotatingVerifier = createJwksVerifier({ jwksUrl: rotating.url, jwksCooldownMs: 0 });
      await rotatingVerifier.verify(await signTestToken(edKey));
      const fetchesBefore = rotating.fetchCount();

      const nextKey = await generateSigningKey('ES256');
      rotating.setKeys(jwksOf(edKey, nextKey));
      const claims = testClaims();

      expect((await rotatingVerifier.verify(await signTestToken(nextKey, claims))).tokenId).toBe(claims.jti);
      expect(rotating.fetchCount()).toBe(fetchesBefore + 1);
      await rotatingVerifier.verify(await signTestToken(nextKey));
      expect(rotating.fetchCount()).toBe(fetchesBefore + 1);
    } finally {
      await rotating.close();
    }
  });

  it('does not refetch for unknown kids within the cooldown', async () => {
    const guarded = await startJwksServer(jwksOf(edKey));
    try {
      const guardedVerifier = createJwksVerifier({ jwksUrl: guarded.url, jwksCooldownMs: 600_000 });
      await guardedVerifier.verify(await signTestToken(edKey));
      const nextKey = await generateSigningKey('EdDSA');
      guarded.setKeys(jwksOf(edKey, nextKey));

      await expectRejected(guardedVerifier.verify(await signTestToken(nextKey)), { reason: 'unknown_key' });
      await expectRejected(guardedVerifier.verify(await signTestToken(nextKey)), { reason: 'unknown_key' });
      expect(guarded.fetchCount()).toBe(1);
    } finally {
      await guarded.close();
    }
  });
});

describe('an unavailable JWKS', () => {
  async function expectUnavailable(jwksUrl: string) {
    const err = await rejectionOf(createJwksVerifier({ jwksUrl }).verify(await signTestToken(edKey)));
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.status).toBe(503);
    expect(err.details).toEqual({ reason: 'jwks_unavailable' });
  }

  it('answers 503, not 401, when the endpoint fails', async () => {
    const failing = createServer((_request, response) => response.writeHead(500).end('boom'));
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const { port } = failing.address() as AddressInfo;
    try {
      await expectUnavailable(`http://127.0.0.1:${port}/jwks.json`);
    } finally {
      failing.closeAllConnections();
      await new Promise((resolve) => failing.close(resolve));
    }
  });

  it('answers 503 when nothing listens', async () => {
    const closed = await startJwksServer(jwksOf(edKey));
    await closed.close();
    await expectUnavailable(closed.url);
  });
});
