import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { registerTenant, startTestApp, type TestApp } from '../test-support.ts';
import { servicePrincipalId } from './service-principal-id.ts';

const SECRET = 'integration-secret-of-at-least-32-characters';
const clients = {
  integration: { secret: SECRET, permissions: ['integrations:manage', 'events:subscribe', 'leads:read'] },
};
const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

let t: TestApp;
let tenantId: string;
beforeAll(async () => {
  t = await startTestApp({ SERVICE_CLIENTS: JSON.stringify(clients), SERVICE_TOKEN_TTL_SECONDS: '120' });
  tenantId = (await registerTenant(t.app)).tenant.id;
});
afterAll(async () => t?.close());

const ask = (payload: unknown, headers: Record<string, string> = basic('integration', SECRET)) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/service-tokens', headers, payload: payload as object });

describe('POST /api/v1/auth/service-tokens', () => {
  it('issues a token of the tenant that verifies with the JWKS and carries exactly the asked permissions', async () => {
    const res = await ask({ tenantId, permissions: ['integrations:manage'] });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({ accessToken: expect.any(String), expiresIn: 120, tokenType: 'Bearer' });
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    const principal = await createJwksVerifier({ jwks }).verify(body.accessToken);
    expect(principal).toMatchObject({
      userId: servicePrincipalId('integration'),
      tenantId,
      roles: ['service'],
      permissions: ['integrations:manage'],
      plan: 'free',
    });
    const claims = decodeJwt(body.accessToken);
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(claims).not.toHaveProperty('sid');
  });

  it('refuses an unknown client, a wrong secret and a missing or bearer credential alike, before the body', async () => {
    for (const headers of [
      basic('integration', `${SECRET}-wrong`),
      basic('ai-agents', SECRET),
      {},
      { authorization: `Bearer ${SECRET}` },
    ]) {
      const res = await ask({ tenantId: 'not-a-uuid', extra: true }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: 'UNAUTHENTICATED',
        message: 'Invalid service client credentials',
        details: { reason: 'invalid_client' },
      });
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="bizosaas-service-tokens"/);
    }
  });

  it('answers 403 naming the permissions the client may not ask for', async () => {
    const res = await ask({ tenantId, permissions: ['integrations:manage', 'users:manage', 'tenant:manage'] });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'The client may not ask for these permissions',
      details: { clientId: 'integration', refused: ['users:manage', 'tenant:manage'] },
    });
  });

  it('answers 404 for a tenant that does not exist', async () => {
    const missing = randomUUID();
    const res = await ask({ tenantId: missing, permissions: ['leads:read'] });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'NOT_FOUND', message: 'Tenant not found', details: { tenantId: missing } });
  });

  it('refuses unknown body fields and permission names by name', async () => {
    const res = await ask({ tenantId, permissions: ['leads:read'], roles: ['owner'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.issues).toEqual([{ path: 'roles', location: 'body', message: 'unknown field' }]);
    const unknown = await ask({ tenantId, permissions: ['*'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues).toEqual([
      expect.objectContaining({ path: 'permissions.0', location: 'body' }),
    ]);
  });

  it('documents HTTP Basic security and every error the route gives', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    expect(document.components.securitySchemes.serviceClientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
    const operation = document.paths['/api/v1/auth/service-tokens'].post;
    expect(operation.security).toEqual([{ serviceClientBasic: [] }]);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415']);
    expect(operation.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    });
  });
});
