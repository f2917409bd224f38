// libs/auth's createServiceTokenSource against this service listening on loopback: what a
// platform service (integration, ai-agents) runs in production.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceTokenError, createServiceTokenSource, type ServiceTokenSourceOptions } from '@bizosaas/auth';
import { metricValue } from '@bizosaas/service-kit/testing';
import { registerTenant, startTestApp, type TestApp } from '../test-support.ts';

async function freePortForTest(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const SECRET = 'campaign secret: with spaces, + and % in it';
let t: TestApp;
let url: string;
let tenantId: string;
const sources: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const clients = { campaign: { secret: SECRET, permissions: ['notifications:send', 'leads:read'] } };
  t = await startTestApp({ SERVICE_CLIENTS: JSON.stringify(clients) });
  url = `http://127.0.0.1:${await freePortForTest()}`;
  tenantId = (await registerTenant(t.app)).tenant.id;
});
afterAll(async () => {
  await Promise.allSettled(sources.map((source) => source.close()));
  await t?.close();
});

function sourceOf(overrides: Partial<ServiceTokenSourceOptions> = {}) {
  const source = createServiceTokenSource({
    url,
    clientId: 'campaign',
    clientSecret: SECRET,
    permissions: ['notifications:send'],
    initialDelayMs: 20,
    ...overrides,
  });
  sources.push(source);
  return source;
}

/** Answers of the route with this status so far, from the service's own request counter. */
async function answered(status: number): Promise<number> {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const labels = { route: '/api/v1/auth/service-tokens', status_code: String(status) };
  return metricValue(text, 'http_requests_total', labels) ?? 0;
}

describe('createServiceTokenSource', () => {
  it('retries while user-management is not reachable yet, then gets a token of the tenant', async () => {
    const pending = sourceOf({ maxAttempts: 8 })(tenantId);
    // The first attempts find no listener; the service comes up while the source backs off.
    await sleep(50);
    const [host, port] = new URL(url).host.split(':');
    await t.app.listen({ host, port: Number(port) });
    const claims = decodeJwt(await pending);
    expect(claims).toMatchObject({ tenant_id: tenantId, roles: ['service'], permissions: ['notifications:send'] });
  });

  it('shares one request among concurrent callers and caches the token until shortly before it expires', async () => {
    let clock = new Date('2026-12-07T10:00:00Z');
    const source = sourceOf({ refreshAheadMs: 30_000, now: () => clock });
    const before = await answered(200);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source(tenantId)));
    expect(new Set(tokens).size).toBe(1);
    expect(await answered(200)).toBe(before + 1);

    clock = new Date(clock.getTime() + 269_000); // 300 s tokens, renewed 30 s ahead
    expect(await source(tenantId)).toBe(tokens[0]);
    expect(await answered(200)).toBe(before + 1);
    clock = new Date(clock.getTime() + 1_000);
    const renewed = await source(tenantId);
    expect(renewed).not.toBe(tokens[0]);
    expect(await answered(200)).toBe(before + 2);
  });

  it('throws a refusal at once, naming what user-management refused, without retrying it', async () => {
    const forbidden = await answered(403);
    const refused = sourceOf({ permissions: ['notifications:send', 'users:manage'] })(tenantId);
    await expect(refused).rejects.toThrow(ServiceTokenError);
    await expect(refused).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('"refused":["users:manage"]'),
    });
    expect(await answered(403)).toBe(forbidden + 1);

    const wrongSecret = sourceOf({ clientSecret: `${SECRET}!` })(tenantId);
    await expect(wrongSecret).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('invalid_client'),
    });
    const unknownTenant = sourceOf()('00000000-0000-4000-8000-000000000000');
    await expect(unknownTenant).rejects.toMatchObject({ status: 404, message: expect.stringContaining('NOT_FOUND') });
  });

  it('gives up with a clear error when user-management stays unreachable', async () => {
    const source = sourceOf({ url: `http://127.0.0.1:${await freePortForTest()}`, maxAttempts: 2 });
    await expect(source(tenantId)).rejects.toMatchObject({
      name: 'ServiceTokenError',
      status: 0,
      message: expect.stringMatching(/^user-management unreachable for a service token: ECONNREFUSED/),
    });
  });
});
