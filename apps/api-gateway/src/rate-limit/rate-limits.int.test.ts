import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createRedis } from '@bizosaas/messaging';
import { deleteNamespace } from '@bizosaas/messaging/testing';
import { metricValue } from '@bizosaas/service-kit/testing';
import { echoService, startTestGateway, type EchoService, type TestGateway } from '../test-support/gateway-fixture.ts';

let gw: TestGateway;
let users: EchoService;
let leads: EchoService;

beforeAll(async () => {
  users = await echoService('user-management');
  leads = await echoService('domain-repository');
  gw = await startTestGateway({
    upstreams: { USER_MANAGEMENT_URL: users.url, DOMAIN_REPOSITORY_URL: leads.url },
    env: {
      RATE_LIMIT_FREE: '3',
      RATE_LIMIT_STARTER: '5',
      RATE_LIMIT_CREDENTIALS_PER_IP: '2',
      RATE_LIMIT_WINDOW_MS: '60000',
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await Promise.all([users.app.close(), leads.app.close()]);
});

const statuses = async (count: number, send: () => Promise<{ statusCode: number }>) => {
  const seen: number[] = [];
  for (let i = 0; i < count; i += 1) seen.push((await send()).statusCode);
  return seen;
};

describe('per-tenant limits by plan', () => {
  it('answers 429 with Retry-After and RateLimit headers once a tenant is over its plan, other tenants unaffected', async () => {
    const tenantA = randomUUID();
    const headersA = await gw.bearer({ tenant_id: tenantA });
    const first = await gw.gateway.inject({ url: '/api/v1/leads', headers: headersA });
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('3');
    expect(first.headers['ratelimit-remaining']).toBe('2');

    expect(await statuses(2, () => gw.gateway.inject({ url: '/api/v1/leads', headers: headersA }))).toEqual([200, 200]);
    // Another user of the same tenant shares the tenant's budget.
    const sameTenant = await gw.bearer({ tenant_id: tenantA });
    const limited = await gw.gateway.inject({ url: '/api/v1/leads', headers: sameTenant });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: 'RATE_LIMITED',
      message: 'Too many requests',
      details: { limit: 3, windowMs: 60_000, retryAfterSeconds: expect.any(Number), scope: 'tenant' },
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json().details.retryAfterSeconds).toBe(retryAfter);
    expect(limited.headers['ratelimit-remaining']).toBe('0');

    // The counter is in Redis, under this gateway's prefix, shared by every replica: counts made
    // here reach it within RATE_LIMIT_SYNC_MS (default 50).
    await expect
      .poll(async () => Number(await gw.redis.get(`${gw.prefix}tenant:${tenantA}`)), { timeout: 2_000 })
      .toBe(4);

    const other = await gw.gateway.inject({ url: '/api/v1/leads', headers: await gw.bearer() });
    expect(other.statusCode).toBe(200);
  });

  it('gives a bigger budget to a bigger plan', async () => {
    const headers = await gw.bearer({ plan: 'starter' });
    const seen = await statuses(6, () => gw.gateway.inject({ url: '/api/v1/leads', headers }));
    expect(seen).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('counts rejections in /metrics', async () => {
    const text = (await gw.gateway.inject({ url: '/metrics' })).body;
    expect(metricValue(text, 'gateway_rate_limited_total', { scope: 'tenant' })).toBeGreaterThanOrEqual(2);
  });
});

describe('per-address limits', () => {
  it('limits login attempts per client address, other addresses unaffected', async () => {
    const login = (remoteAddress: string) =>
      gw.gateway.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'a@example.com', password: 'x' },
        remoteAddress,
      });
    expect(await statuses(3, () => login('203.0.113.7'))).toEqual([200, 200, 429]);
    const limited = await login('203.0.113.7');
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED', details: { scope: 'credentials', limit: 2 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login('203.0.113.8')).statusCode).toBe(200);
    expect(users.hits()).toBe(3);
  });

  it('counts requests with a bad token against their address, and answers an address over its limit 429 before 401', async () => {
    const strict = await startTestGateway({
      upstreams: { DOMAIN_REPOSITORY_URL: leads.url },
      env: { RATE_LIMIT_PER_IP: '2' },
    });
    try {
      const get = (remoteAddress: string, headers: Record<string, string>) =>
        strict.gateway.inject({ url: '/api/v1/leads', headers, remoteAddress });
      const forged = { authorization: 'Bearer not.a.token' };
      expect(await statuses(2, () => get('198.51.100.1', forged))).toEqual([401, 401]);
      const spent = await get('198.51.100.1', forged);
      expect(spent.statusCode).toBe(429);
      expect(spent.json()).toMatchObject({ error: 'RATE_LIMITED', details: { scope: 'ip', limit: 2 } });
      const hitsBefore = leads.hits();
      expect((await get('198.51.100.1', await strict.bearer())).statusCode).toBe(429);
      expect(leads.hits()).toBe(hitsBefore);
      expect((await get('198.51.100.2', await strict.bearer())).statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('counts kept in the replica between syncs', () => {
  it('are sent to Redis when the gateway closes', async () => {
    const slow = await startTestGateway({
      upstreams: { DOMAIN_REPOSITORY_URL: leads.url },
      env: { RATE_LIMIT_SYNC_MS: '10000' },
    });
    const tenantId = randomUUID();
    const headers = await slow.bearer({ tenant_id: tenantId });
    expect(await statuses(3, () => slow.gateway.inject({ url: '/api/v1/leads', headers }))).toEqual([200, 200, 200]);
    const key = `${slow.prefix}tenant:${tenantId}`;
    expect(Number(await slow.redis.get(key))).toBe(1);
    // Closing the gateway sends them (the fixture's close() after it only cleans up).
    await slow.gateway.close();
    expect(Number(await slow.redis.get(key))).toBe(3);
    await slow.close();
  });

  it('are all asked of Redis with RATE_LIMIT_SYNC_MS=0', async () => {
    const exact = await startTestGateway({
      upstreams: { DOMAIN_REPOSITORY_URL: leads.url },
      env: { RATE_LIMIT_SYNC_MS: '0' },
    });
    try {
      const tenantId = randomUUID();
      const headers = await exact.bearer({ tenant_id: tenantId });
      await statuses(3, () => exact.gateway.inject({ url: '/api/v1/leads', headers }));
      expect(Number(await exact.redis.get(`${exact.prefix}tenant:${tenantId}`))).toBe(3);
    } finally {
      await exact.close();
    }
  });
});

describe('when Redis goes away after a window started', () => {
  it('keeps counting in the replica and counts the failed syncs', async () => {
    const client = createRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
      onError: () => {},
      redisOptions: { enableOfflineQueue: false, commandTimeout: 200 },
    });
    // No offline queue: commands fail at once once it is gone, so wait until it is connected.
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    const lost = await startTestGateway({
      upstreams: { DOMAIN_REPOSITORY_URL: leads.url },
      env: { RATE_LIMIT_FREE: '2', RATE_LIMIT_SYNC_MS: '20' },
      redis: client,
    });
    try {
      const headers = await lost.bearer();
      expect((await lost.gateway.inject({ url: '/api/v1/leads', headers })).statusCode).toBe(200);
      await deleteNamespace(client, lost.prefix);
      client.disconnect();
      expect(await statuses(2, () => lost.gateway.inject({ url: '/api/v1/leads', headers }))).toEqual([200, 429]);
      await expect
        .poll(
          async () =>
            metricValue(
              (await lost.gateway.inject({ url: '/metrics' })).body,
              'gateway_rate_limit_sync_failures_total',
              { scope: 'tenant' },
            ),
          { timeout: 2_000 },
        )
        .toBeGreaterThanOrEqual(1);
    } finally {
      await lost.close();
    }
  });
});

describe('when Redis is down', () => {
  it('lets requests through (fail open) and counts them', async () => {
    const unreachable = createRedis('redis://127.0.0.1:1', {
      onError: () => {},
      redisOptions: { enableOfflineQueue: false, commandTimeout: 100 },
    });
    const open = await startTestGateway({
      upstreams: { DOMAIN_REPOSITORY_URL: leads.url },
      env: { RATE_LIMIT_FREE: '1' },
      redis: unreachable,
    });
    try {
      const headers = await open.bearer();
      expect(await statuses(3, () => open.gateway.inject({ url: '/api/v1/leads', headers }))).toEqual([200, 200, 200]);
      const text = (await open.gateway.inject({ url: '/metrics' })).body;
      expect(metricValue(text, 'gateway_rate_limit_failed_open_total', { scope: 'tenant' })).toBe(3);
      expect(metricValue(text, 'gateway_rate_limit_failed_open_total', { scope: 'ip' })).toBe(3);
    } finally {
      await open.close();
    }
  });
});
