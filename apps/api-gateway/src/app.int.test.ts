import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CLOSED_URL,
  echoService,
  startTestGateway,
  type EchoService,
  type TestGateway,
} from './test-support/gateway-fixture.ts';

let gw: TestGateway;
let upstreams: EchoService[];

beforeAll(async () => {
  const withSlowRoute = (app: EchoService['app']) =>
    app.get('/api/v1/slow/thing', async () => {
      await sleep(3_000);
      return { late: true };
    });
  upstreams = [await echoService('domain-repository', withSlowRoute), await echoService('analytics')];
  gw = await startTestGateway({
    upstreams: { DOMAIN_REPOSITORY_URL: upstreams[0]!.url, ANALYTICS_URL: upstreams[1]!.url },
    table: [
      { prefix: '/api/v1/leads', service: 'domain-repository' },
      { prefix: '/api/v1/slow', service: 'domain-repository', timeoutMs: 100 },
      { prefix: '/api/v1/analytics', service: 'analytics' },
      { prefix: '/api/v1/events', service: 'event-bus' },
    ],
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all(upstreams.map((u) => u.app.close()));
});

describe('api-gateway forwarding', () => {
  it('forwards by the route table with the same path and query', async () => {
    const headers = await gw.bearer();
    const res = await gw.gateway.inject({ url: '/api/v1/leads/42?status=qualified&page=2', headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      service: 'domain-repository',
      method: 'GET',
      url: '/api/v1/leads/42?status=qualified&page=2',
    });
    const other = await gw.gateway.inject({ url: '/api/v1/analytics/kpis', headers });
    expect(other.json().service).toBe('analytics');
  });

  it('streams request bodies through unchanged', async () => {
    const payload = { email: 'ana@example.com', budget: '5000.00' };
    const res = await gw.gateway.inject({ method: 'POST', url: '/api/v1/leads', payload, headers: await gw.bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ method: 'POST', body: payload });
  });

  it('replaces client-sent identity headers with the token identity and forwards the token and correlation id', async () => {
    const tenantId = '5b0c8a43-6f43-4d0b-9a4b-2f5a3c9d1e11';
    const userId = '0d7f5a2e-1c3b-4e5f-8a9b-6c7d8e9f0a1b';
    const { authorization } = await gw.bearer({ tenant_id: tenantId, sub: userId });
    const res = await gw.gateway.inject({
      url: '/api/v1/leads',
      headers: {
        authorization,
        'x-tenant-id': '00000000-0000-4000-8000-000000000001',
        'x-user-id': 'mallory',
        'x-user-roles': 'owner',
        'x-correlation-id': 'corr-1',
      },
    });
    expect(res.statusCode).toBe(200);
    const seen = res.json().headers;
    expect(seen['x-tenant-id']).toBe(tenantId);
    expect(seen['x-user-id']).toBe(userId);
    expect(seen['x-user-roles']).toBeUndefined();
    expect(seen.authorization).toBe(authorization);
    expect(seen['x-correlation-id']).toBe('corr-1');
    expect(seen['x-forwarded-for']).toBeDefined();
    expect(res.headers['x-correlation-id']).toBe('corr-1');
  });

  it('answers unknown paths with NOT_FOUND in the error shape, token or not', async () => {
    const res = await gw.gateway.inject({ url: '/api/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'NOT_FOUND',
      message: 'No route for GET /api/v1/nowhere',
      details: { path: '/api/v1/nowhere' },
    });
  });

  it('names the service when its upstream is down', async () => {
    const res = await gw.gateway.inject({ url: '/api/v1/events/history', headers: await gw.bearer() });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: 'SERVICE_UNAVAILABLE',
      message: 'event-bus is unavailable',
      details: { service: 'event-bus', reason: 'ECONNREFUSED' },
    });
  });

  it('gives up on a slow upstream after the route timeout', async () => {
    const res = await gw.gateway.inject({ url: '/api/v1/slow/thing', headers: await gw.bearer() });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: 'UPSTREAM_TIMEOUT', details: { service: 'domain-repository' } });
  });

  it('reports every service in /health, without a token', async () => {
    const res = await gw.gateway.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(Object.keys(body.services).sort()).toEqual([
      'ai-agents',
      'analytics',
      'api-gateway',
      'campaign',
      'domain-repository',
      'event-bus',
      'integration',
      'notification',
      'user-management',
    ]);
    expect(body.services['domain-repository'].status).toBe('up');
    expect(body.services.analytics.status).toBe('up');
    expect(body.services['event-bus']).toMatchObject({ status: 'down', url: CLOSED_URL });
  });

  it('serves each service OpenAPI document for the docs picker, without a token', async () => {
    const res = await gw.gateway.inject({ url: '/docs/services/analytics/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().info.title).toBe('analytics API');
    const unknown = await gw.gateway.inject({ url: '/docs/services/nope/json' });
    expect(unknown.statusCode).toBe(404);
    const own = (await gw.gateway.inject({ url: '/docs/json' })).json();
    expect(own.info.title).toBe('api-gateway API');
    expect(own.paths['/health']).toBeDefined();
    for (const url of ['/ready', '/metrics', '/docs/'])
      expect((await gw.gateway.inject({ url })).statusCode, url).toBe(200);
  });
});
