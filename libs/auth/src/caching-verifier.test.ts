import { describe, expect, it } from 'vitest';
import { cachingVerifier } from './caching-verifier.ts';
import { createJwksVerifier, type TokenVerifier } from './jwks-verifier.ts';
import { generateSigningKey, jwksOf, signTestToken, testClaims } from './testing/index.ts';

async function setup(maxEntries = 10) {
  const key = await generateSigningKey('EdDSA');
  let clock = Date.now();
  const real = createJwksVerifier({ jwks: jwksOf(key), now: () => new Date(clock), clockToleranceSeconds: 0 });
  let calls = 0;
  const counting: TokenVerifier = { verify: (token) => ((calls += 1), real.verify(token)) };
  const verifier = cachingVerifier(counting, { maxEntries, now: () => clock });
  return { key, verifier, calls: () => calls, advance: (ms: number) => (clock += ms) };
}

describe('cachingVerifier', () => {
  it('verifies a reused token once and returns the same principal', async () => {
    const { key, verifier, calls } = await setup();
    const claims = testClaims();
    const token = await signTestToken(key, claims);
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(first.tenantId).toBe(claims.tenant_id);
    expect(calls()).toBe(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    const { key, verifier, advance } = await setup();
    const token = await signTestToken(key, testClaims());
    await verifier.verify(token);
    advance(301_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'expired' },
    });
  });

  it('never remembers a failure, and forgets the oldest token beyond its size', async () => {
    const { key, verifier, calls } = await setup(2);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => signTestToken(key, testClaims())));
    const forged = `${a!.slice(0, -4)}AAAA`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(verifier.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const token of [a!, b!, c!, b!, c!]) await verifier.verify(token);
    expect(calls()).toBe(5);
    await verifier.verify(a!);
    expect(calls()).toBe(6);
  });
});
