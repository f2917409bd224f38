import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey, signTestToken, testClaims } from '@bizosaas/auth/testing';
import { echoService, startTestGateway, type EchoService, type TestGateway } from './test-support/gateway-fixture.ts';

let gw: TestGateway;
let users: EchoService;
let leads: EchoService;

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  users = await echoService('user-management');
  leads = await echoService('domain-repository');
  gw = await startTestGateway({ upstreams: { USER_MANAGEMENT_URL: users.url, DOMAIN_REPOSITORY_URL: leads.url } });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([users.app.close(), leads.app.close()]);
});

async function rejected(authorization: string | undefined, reason: string) {
  const before = leads.hits();
  const res = await gw.gateway.inject({ url: '/api/v1/leads', headers: authorization ? { authorization } : {} });
  expect(res.statusCode).toBe(401);
  expect(res.json()).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason } });
  expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="bizosaas"/);
  expect(leads.hits(), 'the upstream was never called').toBe(before);
}

describe('JWT check at the edge', () => {
  it('refuses a request without a token', async () => {
    await rejected(undefined, 'missing_token');
  });

  it('refuses an expired token', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    await rejected(`Bearer ${await signTestToken(gw.key, testClaims({}, hourAgo))}`, 'expired');
  });

  it('refuses a tampered token (claims changed after signing)', async () => {
    const [header, , signature] = (await gw.token()).split('.');
    const forged = base64url(testClaims({ roles: ['owner'] }));
    await rejected(`Bearer ${header}.${forged}.${signature}`, 'invalid_signature');
  });

  it('refuses an unsigned alg:none token', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(testClaims())}.`;
    await rejected(`Bearer ${unsigned}`, 'algorithm_not_allowed');
  });

  it('refuses tokens signed by a key the JWKS does not publish', async () => {
    const stranger = await generateSigningKey('EdDSA');
    await rejected(`Bearer ${await signTestToken(stranger, testClaims())}`, 'unknown_key');
    const impostor = await generateSigningKey('EdDSA', gw.key.kid);
    await rejected(`Bearer ${await signTestToken(impostor, testClaims())}`, 'invalid_signature');
  });

  it('refuses credentials that are not a bearer token', async () => {
    await rejected('Basic YWxpY2U6c2VjcmV0', 'malformed_header');
  });

  it('forwards a valid token with the verified identity', async () => {
    const res = await gw.gateway.inject({ url: '/api/v1/leads/1', headers: await gw.bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.json().service).toBe('domain-repository');
  });
});

describe('public routes', () => {
  it.each([
    ['POST', '/api/v1/auth/register'],
    ['POST', '/api/v1/auth/login'],
    ['POST', '/api/v1/auth/refresh'],
    ['POST', '/api/v1/auth/token'],
    ['POST', '/api/v1/auth/accept-invitation'],
    ['GET', '/.well-known/jwks.json'],
  ] as const)('%s %s passes without a token, with no identity headers', async (method, url) => {
    const res = await gw.gateway.inject({
      method,
      url,
      headers: { 'x-tenant-id': '00000000-0000-4000-8000-000000000001' },
      ...(method === 'POST' && { payload: { email: 'ana@example.com' } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'user-management', url });
    expect(res.json().headers['x-tenant-id']).toBeUndefined();
  });

  it('is exact: other methods and sub-paths of a public path need a token', async () => {
    expect((await gw.gateway.inject({ method: 'GET', url: '/api/v1/auth/login' })).statusCode).toBe(401);
    expect((await gw.gateway.inject({ method: 'POST', url: '/api/v1/auth/login/extra' })).statusCode).toBe(401);
    expect((await gw.gateway.inject({ method: 'GET', url: '/api/v1/users/me' })).statusCode).toBe(401);
  });
});
