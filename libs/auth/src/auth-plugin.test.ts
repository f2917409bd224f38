import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@bizosaas/ddd-kernel';
import { authPlugin, type PublicRouteMatcher } from './auth-plugin.ts';
import { createJwksVerifier } from './jwks-verifier.ts';
import { permissionsForRoles } from './permissions.ts';
import { SERVICE_ROLE } from './principal.ts';
import { requirePermission, requirePrincipal } from './route-guards.ts';
import type { AccessTokenClaims } from './token-claims.ts';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from './testing/index.ts';

let key: TestSigningKey;
let app: FastifyInstance;

async function buildApp(publicRoutes: PublicRouteMatcher = ['/health', '/docs/*']) {
  const instance = fastify();
  // Stand-in for service-kit's error handler: AppError -> { error, message, details }.
  instance.setErrorHandler((err, _request, reply) => {
    if (!(err instanceof AppError)) return reply.status(500).send({ error: 'INTERNAL' });
    return reply.status(err.status).send({ error: err.code, message: err.message, details: err.details });
  });
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);
  await instance.register(authPlugin, { verifier: createJwksVerifier({ jwks: jwksOf(key) }), publicRoutes });

  instance.get('/health', async () => ({ status: 'ok' }));
  instance.get('/docs/json', async () => ({ openapi: '3.1.0' }));
  instance.get('/api/v1/me', async (request) => requirePrincipal(request));
  instance.get('/api/v1/feed', { config: { auth: 'optional' } }, async (request) => ({
    userId: request.principal?.userId ?? null,
  }));
  instance.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/leads',
    {
      schema: { body: z.object({ name: z.string() }) },
      onRequest: requirePermission('leads:write'),
    },
    async (request, reply) => reply.status(201).send({ name: request.body.name }),
  );
  await instance.register(async (child) => {
    child.get('/api/v1/nested', async (request) => ({ tenantId: requirePrincipal(request).tenantId }));
  });
  return instance;
}

const tokenFor = (overrides: Partial<AccessTokenClaims> = {}) => signTestToken(key, testClaims(overrides));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  key = await generateSigningKey('EdDSA');
  app = await buildApp();
});

afterAll(() => app.close());

describe('authPlugin', () => {
  it('answers 401 with a bearer challenge when a protected route gets no token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/me' });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: 'UNAUTHENTICATED',
      message: 'Authentication required',
      details: { reason: 'missing_token' },
    });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="bizosaas"');
  });

  it('puts the verified principal on the request', async () => {
    const claims = testClaims({ roles: ['viewer'], permissions: permissionsForRoles(['viewer']) });
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: bearer(await signTestToken(key, claims)),
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      userId: claims.sub,
      tenantId: claims.tenant_id,
      roles: ['viewer'],
      permissions: permissionsForRoles(['viewer']),
      tokenId: claims.jti,
      expiresAt: new Date(claims.exp * 1000).toISOString(),
      plan: 'free',
    });
  });

  it('refuses invalid tokens and non-bearer credentials with the reason', async () => {
    const expired = await tokenFor({ iat: 1_000, exp: 2_000 });
    const cases = [
      { authorization: `Bearer ${expired}`, reason: 'expired', challenge: 'invalid_token' },
      { authorization: 'Bearer not-a-jwt', reason: 'malformed', challenge: 'invalid_token' },
      { authorization: 'Basic dXNlcjpwYXNz', reason: 'malformed_header', challenge: 'invalid_request' },
    ];
    for (const { authorization, reason, challenge } of cases) {
      const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason } });
      expect(response.headers['www-authenticate']).toBe(`Bearer realm="bizosaas", error="${challenge}"`);
    }
  });

  it('refuses an X-Tenant-ID that disagrees with the token, accepts one that agrees', async () => {
    const claims = testClaims();
    const token = await signTestToken(key, claims);
    const ask = (tenant: string) =>
      app.inject({ method: 'GET', url: '/api/v1/me', headers: { ...bearer(token), 'x-tenant-id': tenant } });

    const mismatch = await ask(randomUUID());
    expect(mismatch.statusCode).toBe(403);
    expect(mismatch.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'Tenant does not match the access token',
      details: { reason: 'tenant_mismatch' },
    });
    expect((await ask(claims.tenant_id.toUpperCase())).statusCode).toBe(200);
  });

  it('protects routes of encapsulated child plugins too', async () => {
    const claims = testClaims();
    expect((await app.inject({ method: 'GET', url: '/api/v1/nested' })).statusCode).toBe(401);
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/nested',
      headers: bearer(await signTestToken(key, claims)),
    });
    expect(response.json()).toEqual({ tenantId: claims.tenant_id });
  });

  it('lets public routes through without looking at credentials', async () => {
    for (const url of ['/health', '/docs/json']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer('garbage') });
      expect(response.statusCode).toBe(200);
    }
  });

  it('accepts a predicate as the public-route matcher', async () => {
    const custom = await buildApp((request) => request.routeOptions.url === '/api/v1/me');
    try {
      expect((await custom.inject({ method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
      expect((await custom.inject({ method: 'GET', url: '/health' })).statusCode).toBe(401);
    } finally {
      await custom.close();
    }
  });

  it('on optional routes serves anonymous callers but still refuses a bad token', async () => {
    const claims = testClaims();
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/feed' });
    const known = await app.inject({
      method: 'GET',
      url: '/api/v1/feed',
      headers: bearer(await signTestToken(key, claims)),
    });
    const bad = await app.inject({ method: 'GET', url: '/api/v1/feed', headers: bearer('not-a-jwt') });

    expect(anonymous.json()).toEqual({ userId: null });
    expect(known.json()).toEqual({ userId: claims.sub });
    expect(bad.statusCode).toBe(401);
  });

  it('answers 404, not 401, for unknown routes', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(404);
  });
});

describe('requirePermission', () => {
  const createLead = async (claims: Partial<AccessTokenClaims>) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: bearer(await tokenFor(claims)),
      payload: { name: 'Acme' },
    });

  it('answers 403 naming the permission when the token lacks it', async () => {
    const response = await createLead({ roles: ['viewer'], permissions: permissionsForRoles(['viewer']) });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'Missing permission',
      details: { required: 'leads:write' },
    });
  });

  it('decides before the body is read: a viewer sending an invalid body gets 403, not a list of the schema', async () => {
    const claims = { roles: ['viewer'], permissions: permissionsForRoles(['viewer']) };
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: bearer(await tokenFor(claims)),
      payload: { name: 42 },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().details).toEqual({ required: 'leads:write' });
  });

  it('carries its permission, for the OpenAPI document', () => {
    expect(requirePermission('leads:write').permission).toBe('leads:write');
  });

  it('lets a manager through', async () => {
    const response = await createLead({ roles: ['manager'], permissions: permissionsForRoles(['manager']) });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'Acme' });
  });

  it('trusts the token permissions over its roles', async () => {
    expect((await createLead({ roles: ['owner'], permissions: ['leads:read'] })).statusCode).toBe(403);
    expect((await createLead({ roles: ['viewer'], permissions: ['leads:write'] })).statusCode).toBe(201);
  });

  it('honours the * wildcard for service principals only', async () => {
    expect((await createLead({ roles: [SERVICE_ROLE], permissions: ['*'] })).statusCode).toBe(201);
    expect((await createLead({ roles: ['owner'], permissions: ['*'] })).statusCode).toBe(403);
  });
});
