import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '@bizosaas/service-kit';
import { eventually, tenantCaller } from '../test-support.ts';
import { startLocalProvider } from './local-provider-server.ts';
import { proxyReadiness } from './provider-breakers.ts';
import { startProxyTest, type ProxyTest } from './proxy-test-support.ts';

let p: ProxyTest;
beforeAll(async () => {
  p = await startProxyTest();
});
afterAll(async () => {
  await p?.close();
});
const URL = '/api/v1/integrations/connections';

describe('limits', () => {
  it('answers 429 without calling the provider once the connection’s bucket is empty', async () => {
    const admin = await tenantCaller(p.t.key);
    // Two tokens, refilled every 200 s: the third call finds none.
    const { id, apiKey } = await p.connectCustom(admin, 'acme_slow', { perSecond: 0.01, burst: 2 });
    for (let i = 0; i < 2; i++)
      expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' })).json()).toMatchObject({
        status: 200,
      });
    const limited = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({
      error: 'RATE_LIMITED',
      details: { reason: 'rate_limit', provider: 'acme_slow' },
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(200);
    expect(p.hitsBy(apiKey)).toBe(2);

    // Another connection of the same provider has a bucket of its own.
    const other = await p.call(admin, 'POST', URL, { provider: 'acme_slow', credentials: { apiKey: `${apiKey}-2` } });
    expect(
      (await p.proxy(admin, other.json<{ id: string }>().id, { method: 'GET', path: '/v1/customers' })).json(),
    ).toMatchObject({
      status: 200,
    });
  });

  it('holds the connection back as long as the provider’s Retry-After says, then calls again', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const refused = await p.proxy(admin, id, { method: 'GET', path: '/v1/limited' });
    expect(refused.json()).toMatchObject({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { error: { type: 'rate_limit_error' } },
    });
    const held = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' });
    expect(held.statusCode).toBe(429);
    expect(held.json()).toMatchObject({ details: { reason: 'provider_cooldown', provider: 'stripe' } });
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(p.hitsBy(apiKey, '/v1/customers')).toBe(0);

    const brief = await p.connectStripe(admin);
    await p.proxy(admin, brief.id, { method: 'GET', path: '/v1/limited', headers: { 'x-wait': '1' } });
    expect((await p.proxy(admin, brief.id, { method: 'GET', path: '/v1/customers' })).statusCode).toBe(429);
    await eventually(
      () => p.proxy(admin, brief.id, { method: 'GET', path: '/v1/customers' }),
      (res) => expect(res.json()).toMatchObject({ status: 200 }),
    );
    expect(p.hitsBy(brief.apiKey, '/v1/customers')).toBe(1);
  });

  it('holds the connection back when the provider’s rate-limit window is exhausted, or it is down for a while', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectStripe(admin);
    const last = await p.proxy(admin, id, { method: 'GET', path: '/v1/exhausted' });
    expect(last.json()).toMatchObject({
      status: 200,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '45' },
    });
    expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' })).json()).toMatchObject({
      error: 'RATE_LIMITED',
      details: { reason: 'provider_cooldown' },
    });
    expect(p.hitsBy(apiKey, '/v1/customers')).toBe(0);

    const down = await p.connectCustom(admin, 'acme_maintenance');
    expect((await p.proxy(admin, down.id, { method: 'GET', path: '/v1/maintenance' })).json()).toMatchObject({
      status: 503,
    });
    expect((await p.proxy(admin, down.id, { method: 'GET', path: '/v1/customers' })).statusCode).toBe(429);
    expect(p.hitsBy(down.apiKey, '/v1/customers')).toBe(0);
  });
});

describe('the breaker of a provider', () => {
  it('opens after consecutive 5xx answers, answers 503 without calling, and shows on the readiness check', async () => {
    const admin = await tenantCaller(p.t.key);
    const { id, apiKey } = await p.connectCustom(admin, 'acme_flaky');
    for (let i = 0; i < 3; i++)
      expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/broken' })).json()).toMatchObject({ status: 500 });
    const open = await p.proxy(admin, id, { method: 'GET', path: '/v1/customers' });
    expect(open.statusCode).toBe(503);
    expect(open.json()).toMatchObject({
      error: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('acme_flaky'),
      details: { provider: 'acme_flaky', reason: 'circuit_open' },
    });
    expect(p.hitsBy(apiKey)).toBe(3);

    const breaker = `${admin.tenantId}/acme_flaky`;
    const ready = await runCheck(proxyReadiness(p.breakers), 1_000);
    expect(ready).toMatchObject({
      status: 'up',
      details: {
        breakers: { [breaker]: 'open', stripe: 'closed' },
        open: [breaker],
        note: expect.stringContaining('stays up'),
      },
    });
    // Stripe's breaker and other tenants' providers are not affected.
    const stripe = await p.connectStripe(admin);
    expect((await p.proxy(admin, stripe.id, { method: 'GET', path: '/v1/customers' })).json()).toMatchObject({
      status: 200,
    });
  });

  it('counts a provider that does not answer, and names it', async () => {
    const admin = await tenantCaller(p.t.key);
    const closed = await startLocalProvider(() => ({ status: 200 }));
    await closed.close();
    const provider = {
      key: 'acme_gone',
      name: 'Gone',
      category: 'other',
      auth: { type: 'api_key', header: 'X-Api-Key', format: '{key}' },
      baseUrl: closed.url,
      rateLimit: { perSecond: 100, burst: 100 },
      webhooks: { scheme: 'none' },
      pagination: 'none',
    };
    expect((await p.call(admin, 'POST', '/api/v1/integrations/providers/custom', provider)).statusCode).toBe(201);
    const res = await p.call(admin, 'POST', URL, {
      provider: 'acme_gone',
      credentials: { apiKey: 'gone-key-0123456789' },
    });
    const id = res.json<{ id: string }>().id;
    for (let i = 0; i < 3; i++)
      expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/x' })).json()).toMatchObject({
        error: 'SERVICE_UNAVAILABLE',
        message: 'acme_gone did not answer',
        details: { reason: 'ECONNREFUSED' },
      });
    expect((await p.proxy(admin, id, { method: 'GET', path: '/v1/x' })).json()).toMatchObject({
      details: { reason: 'circuit_open' },
    });
    expect(p.breakers.states()[`${admin.tenantId}/acme_gone`]).toBe('open');
  });
});
