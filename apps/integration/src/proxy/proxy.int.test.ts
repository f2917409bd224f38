import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { storedConnection } from '../connections/connection-test-support.ts';
import { tenantCaller } from '../test-support.ts';
import { stripeList } from './local-provider-server.ts';
import type { ProxyResponse } from './proxy-response.ts';
import { bearer, startProxyTest, validKeys, type ProxyTest } from './proxy-test-support.ts';

let p: ProxyTest;
beforeAll(async () => {
  p = await startProxyTest();
});
afterAll(async () => {
  await p?.close();
});
describe('the proxy', () => {
  it('calls the provider with the connection’s key injected and returns its answer without the key', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const res = await p.proxy(admin, id, {
      method: 'GET',
      path: '/v1/customers',
      query: { limit: '2', 'expand[]': ['data.default_source'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json<ProxyResponse>();
    expect(answer).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'request-id': expect.stringMatching(/^req_/) },
      body: stripeList([{ id: 'cus_1', object: 'customer', email: 'jane@example.com' }], '/v1/customers'),
      bodyEncoding: 'json',
    });
    const seen = p.server.requests.filter((request) => bearer(request) === apiKey);
    expect(seen.map((request) => request.url)).toEqual(['/v1/customers?limit=2&expand%5B%5D=data.default_source']);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${apiKey}`);

    const created = await p.proxy(admin, id, {
      method: 'POST',
      path: '/v1/customers',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': 'create-jane' },
      body: 'email=jane%40example.com',
    });
    expect(created.json()).toMatchObject({ status: 200, body: { id: 'cus_1', email: 'jane@example.com' } });
    expect(p.server.requests.at(-1)!.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'idempotency-key': 'create-jane',
    });
    for (const reply of [res, created]) expect(reply.body).not.toContain(apiKey);
  });

  it('redacts the credentials from whatever the provider sends back', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const res = await p.proxy(admin, id, { method: 'GET', path: '/v1/echo' });
    expect(p.hitsBy(apiKey, '/v1/echo')).toBe(1);
    expect(res.body).not.toContain(apiKey);
    expect(res.json()).toMatchObject({
      status: 200,
      headers: { 'x-request-id': '[redacted]' },
      body: { seen: '[redacted]' },
    });
  });

  it('returns the provider’s refusal as its answer', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    validKeys.delete(apiKey);
    const res = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 401, body: { error: { type: 'invalid_request_error' } } });
  });

  it('refuses paths that leave the provider’s base URL and headers that authenticate, before calling it', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const escapes = [
      'https://evil.example/v1/customers',
      '//evil.example/v1/customers',
      'v1/customers',
      '/v1/../admin',
      '/v1/%2e%2e/admin',
      '/v1/..%2Fadmin',
      '/v1\\..\\admin',
      '/v1/customers?limit=1',
      '/v1/%zz',
    ];
    for (const path of escapes) {
      const res = await p.proxy(admin, id, { method: 'GET', path });
      expect(res.statusCode, path).toBe(400);
      expect(res.json(), path).toMatchObject({ error: 'VALIDATION_ERROR', details: { issues: [{ path: 'path' }] } });
    }
    for (const header of ['Authorization', 'cookie', 'Host', 'Content-Length']) {
      const res = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers', headers: { [header]: 'x' } });
      expect(res.statusCode, header).toBe(400);
      expect(res.json()).toMatchObject({ details: { issues: [{ path: `headers.${header}` }] } });
    }
    expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/customers', body: { a: 1 } })).statusCode).toBe(400);
    expect(p.hitsBy(apiKey)).toBe(0);

    const custom = await p.connectCustom(admin, 'acme_paths', { path: '/acme/api' });
    const own = await p.proxy(admin, custom.id, {
      method: 'GET',
      path: '/v1/customers',
      headers: { 'X-API-KEY': 'mine' },
    });
    expect(own.json()).toMatchObject({ details: { issues: [{ path: 'headers.X-API-KEY' }] } });
    expect((await p.proxy(admin, custom.id, { method: 'GET', path: '/../v1/customers' })).statusCode).toBe(400);
    expect(p.hitsBy(custom.apiKey)).toBe(0);
    await p.proxy(admin, custom.id, { method: 'GET', path: '/things' });
    expect(p.server.requests.at(-1)!.url).toBe('/acme/api/things');
  });

  it('answers 404 for another tenant’s connection, 403 to a member whatever the body, 422 for a connection to reconnect', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const stranger = await tenantCaller(p.t.key);
    expect((await p.proxy(stranger, id, { method: 'GET', path: '/v1/customers' })).statusCode).toBe(404);
    const member = await tenantCaller(p.t.key, ['member'], admin.tenantId);
    expect((await p.proxy(member, id, { nonsense: true })).statusCode).toBe(403);
    await withTransaction(
      p.t.pool,
      (client) =>
        client.query(
          "UPDATE integration.connections SET status = 'needs_reauth', status_reason = 'unauthorized' WHERE id = $1",
          [id],
        ),
      { tenantId: admin.tenantId },
    );
    const broken = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' });
    expect(broken.statusCode).toBe(422);
    expect(broken.json()).toMatchObject({
      details: { rule: 'connection_needs_reauth', currentStatus: 'needs_reauth' },
    });
    expect(p.hitsBy(apiKey)).toBe(0);
  });

  it('calls an OAuth 2 provider with the connection’s access token', async () => {
    const admin = await tenantCaller(p.t.key);
    const provider = {
      key: 'acme_oauth',
      name: 'Acme',
      category: 'crm',
      auth: {
        type: 'oauth2',
        authorizationUrl: `${p.server.url}/authorize`,
        tokenUrl: `${p.server.url}/token`,
        scopes: ['contacts'],
      },
      baseUrl: p.server.url,
      rateLimit: { perSecond: 10, burst: 10 },
      webhooks: { scheme: 'none' },
      pagination: 'cursor',
      client: { clientId: 'acme', clientSecret: 'acme-secret' },
    };
    expect((await p.call(admin, 'POST', '/api/v1/integrations/providers/custom', provider)).statusCode).toBe(201);
    const accessToken = `at_${randomBytes(18).toString('base64url')}`;
    validKeys.add(accessToken);
    const id = await storedConnection(p.t, p.ctx, {
      tenantId: admin.tenantId,
      provider: 'acme_oauth',
      credentials: { type: 'oauth2', accessToken, refreshToken: null, tokenType: 'Bearer', expiresAt: null },
    });
    const res = await p.proxy(admin, id, { method: 'GET', path: '/v1/echo' });
    expect(res.json()).toMatchObject({ status: 200, body: { seen: '[redacted]' } });
    expect(res.body).not.toContain(accessToken);
    expect(p.hitsBy(accessToken, '/v1/echo')).toBe(1);
    expect(p.server.requests.some((request) => request.url === '/token')).toBe(false);
  });

  it('documents the connections, providers and proxy routes in an OpenAPI document that passes spectral:oas', async () => {
    const document = (await p.t.app.inject({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/integrations/connections/{id}/proxy',
        '/api/v1/integrations/connections/{id}/credentials',
      ]),
    );
    expect(await openApiProblems(document)).toEqual([]);
  });
});
