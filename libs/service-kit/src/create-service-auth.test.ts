import { afterEach, describe, expect, it } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims } from '@bizosaas/auth/testing';
import { createService, type ServiceApp } from './create-service.ts';

let app: ServiceApp;
afterEach(async () => app?.close());

describe('createService with a token verifier', () => {
  it('protects API routes and leaves ops and docs routes public', async () => {
    const key = await generateSigningKey('EdDSA');
    app = await createService({ name: 'secured', logLevel: 'silent', auth: createJwksVerifier({ jwks: jwksOf(key) }) });
    app.get('/api/v1/whoami', async (request) => ({ tenantId: request.principal?.tenantId }));
    await app.ready();

    for (const url of ['/health', '/ready', '/metrics', '/docs/json', '/docs/']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
    const anonymous = await app.inject({ url: '/api/v1/whoami' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason: 'missing_token' } });

    const claims = testClaims();
    const token = await signTestToken(key, claims);
    const res = await app.inject({ url: '/api/v1/whoami', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ tenantId: claims.tenant_id });
  });
});
