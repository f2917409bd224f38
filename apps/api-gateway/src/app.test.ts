import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { createService, type ServiceApp } from '@bizosaas/service-kit';
import { buildApp } from './app.ts';
import { configSchema } from './config.ts';
import { loadConfig } from '@bizosaas/config';

// Two real upstream services on ephemeral ports; every other service points at a closed port.
async function echoService(name: string): Promise<{ app: ServiceApp; url: string }> {
  const app = await createService({ name, logLevel: 'silent' });
  app.all('/api/v1/*', async (request) => ({
    service: name,
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: request.body ?? null,
  }));
  app.get('/api/v1/slow/thing', async () => {
    await sleep(3_000);
    return { late: true };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

const closed = 'http://127.0.0.1:9';
let gateway: ServiceApp;
let upstreams: { app: ServiceApp; url: string }[];

beforeAll(async () => {
  upstreams = [await echoService('domain-repository'), await echoService('analytics')];
  const env = Object.fromEntries(
    ['AI_AGENTS_URL', 'USER_MANAGEMENT_URL', 'CAMPAIGN_URL', 'INTEGRATION_URL', 'NOTIFICATION_URL', 'EVENT_BUS_URL'].map(
      (name) => [name, closed],
    ),
  );
  const config = loadConfig(configSchema, {
    ...env,
    DOMAIN_REPOSITORY_URL: upstreams[0]!.url,
    ANALYTICS_URL: upstreams[1]!.url,
    LOG_LEVEL: 'silent',
    HEALTH_TIMEOUT_MS: '500',
  });
  gateway = await buildApp({
    config,
    table: [
      { prefix: '/api/v1/leads', service: 'domain-repository' },
      { prefix: '/api/v1/slow', service: 'domain-repository', timeoutMs: 100 },
      { prefix: '/api/v1/analytics', service: 'analytics' },
      { prefix: '/api/v1/events', service: 'event-bus' },
    ],
  });
  await gateway.ready();
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(upstreams.map((u) => u.app.close()));
});

describe('api-gateway', () => {
  it('forwards by the route table with the same path and query', async () => {
    const res = await gateway.inject({ url: '/api/v1/leads/42?status=qualified&page=2' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'domain-repository', method: 'GET', url: '/api/v1/leads/42?status=qualified&page=2' });
    const other = await gateway.inject({ url: '/api/v1/analytics/kpis' });
    expect(other.json().service).toBe('analytics');
  });

  it('streams request bodies through unchanged', async () => {
    const payload = { email: 'ana@example.com', budget: '5000.00' };
    const res = await gateway.inject({ method: 'POST', url: '/api/v1/leads', payload });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ method: 'POST', body: payload });
  });

  it('drops client-sent identity headers and forwards the correlation id', async () => {
    const res = await gateway.inject({
      url: '/api/v1/leads',
      headers: { 'x-tenant-id': '00000000-0000-4000-8000-000000000001', 'x-user-id': 'mallory', 'x-correlation-id': 'corr-1' },
    });
    const seen = res.json().headers;
    expect(seen['x-tenant-id']).toBeUndefined();
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-correlation-id']).toBe('corr-1');
    expect(seen['x-forwarded-for']).toBeDefined();
    expect(res.headers['x-correlation-id']).toBe('corr-1');
  });

  it('answers unknown paths with NOT_FOUND in the error shape', async () => {
    const res = await gateway.inject({ url: '/api/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'NOT_FOUND', message: 'No route for GET /api/v1/nowhere', details: { path: '/api/v1/nowhere' } });
  });

  it('names the service when its upstream is down', async () => {
    const res = await gateway.inject({ url: '/api/v1/events/history' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE', message: 'event-bus is unavailable', details: { service: 'event-bus' } });
  });

  it('gives up on a slow upstream after the route timeout', async () => {
    const res = await gateway.inject({ url: '/api/v1/slow/thing' });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: 'UPSTREAM_TIMEOUT', details: { service: 'domain-repository' } });
  });

  it('reports every service in /health', async () => {
    const res = await gateway.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(Object.keys(body.services).sort()).toEqual(
      ['ai-agents', 'analytics', 'api-gateway', 'campaign', 'domain-repository', 'event-bus', 'integration', 'notification', 'user-management'],
    );
    expect(body.services['domain-repository'].status).toBe('up');
    expect(body.services.analytics.status).toBe('up');
    expect(body.services['event-bus']).toMatchObject({ status: 'down', url: closed });
  });

  it('serves each service OpenAPI document for the docs picker', async () => {
    const res = await gateway.inject({ url: '/docs/services/analytics/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json().info.title).toBe('analytics API');
    const unknown = await gateway.inject({ url: '/docs/services/nope/json' });
    expect(unknown.statusCode).toBe(404);
    const own = (await gateway.inject({ url: '/docs/json' })).json();
    expect(own.info.title).toBe('api-gateway API');
    expect(own.paths['/health']).toBeDefined();
  });
});
