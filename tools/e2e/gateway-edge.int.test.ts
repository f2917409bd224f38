// The built gateway as a real process at the edge: tokens verified against a JWKS served over
// HTTP, identity headers replaced, limits counted in a private redis-server (killed to prove the
// limiter fails open), and a circuit breaker around an upstream that goes away and comes back.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  jwksOf,
  signTestToken,
  startJwksServer,
  testClaims,
  type TestJwksServer,
  type TestSigningKey,
} from '@bizosaas/auth/testing';
import { eventually, freePort, untilReady, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let key: TestSigningKey;
let jwks: TestJwksServer;
let redis: Started;
let gateway: Started;
let upstream: Server | undefined;
const seen: { url: string; headers: Record<string, unknown> }[] = [];
const ports = { gateway: 0, redis: 0, upstream: 0 };

async function listenUpstream(): Promise<void> {
  upstream = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ tenant: request.headers['x-tenant-id'] ?? null }));
  });
  upstream.listen(ports.upstream, '127.0.0.1');
  await once(upstream, 'listening');
}

async function stopUpstream(): Promise<void> {
  upstream!.closeAllConnections();
  upstream!.close();
  await once(upstream!, 'close');
  upstream = undefined;
}

const url = (path: string) => `http://127.0.0.1:${ports.gateway}${path}`;
async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(url(path), { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}
const bearer = async (claims = {}) => ({ authorization: `Bearer ${await signTestToken(key, testClaims(claims))}` });

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway'], { cwd: root });
  key = await generateSigningKey('ES256');
  jwks = await startJwksServer(jwksOf(key));
  [ports.gateway, ports.redis, ports.upstream] = await Promise.all([freePort(), freePort(), freePort()]);
  await listenUpstream();
  redis = start('redis-server', [
    '--port',
    String(ports.redis),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const closed = 'http://127.0.0.1:9';
  gateway = start(process.execPath, [`${root}apps/api-gateway/dist/main.js`], {
    PORT: String(ports.gateway),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWKS_URL: jwks.url,
    REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
    ...Object.fromEntries(
      [
        'AI_AGENTS_URL',
        'USER_MANAGEMENT_URL',
        'ANALYTICS_URL',
        'INTEGRATION_URL',
        'NOTIFICATION_URL',
        'EVENT_BUS_URL',
        'DOMAIN_REPOSITORY_URL',
      ].map((v) => [v, closed]),
    ),
    CAMPAIGN_URL: `http://127.0.0.1:${ports.upstream}`,
    RATE_LIMIT_FREE: '5',
    BREAKER_FAILURE_THRESHOLD: '2',
    BREAKER_HALF_OPEN_AFTER_MS: '300',
  });
  await untilReady(url(''), 20_000, () => gateway.output());
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await redis?.stop('SIGKILL');
  if (upstream) await stopUpstream();
  await jwks?.close();
});

describe('the built gateway at the edge', () => {
  it('refuses a missing token without calling the service, and forwards a valid one with its tenant', async () => {
    const before = seen.length;
    const anonymous = await call('/api/v1/funnels');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason: 'missing_token' } });
    expect(seen.length).toBe(before);

    const claims = testClaims();
    const headers = {
      authorization: `Bearer ${await signTestToken(key, claims)}`,
      'x-tenant-id': '00000000-0000-4000-8000-000000000001',
      'x-correlation-id': 'edge-e2e-1',
    };
    const res = await call('/api/v1/funnels?page=1', { headers });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenant: claims.tenant_id });
    expect(res.headers.get('x-correlation-id')).toBe('edge-e2e-1');
    expect(seen.at(-1)).toMatchObject({
      url: '/api/v1/funnels?page=1',
      headers: { 'x-correlation-id': 'edge-e2e-1', 'x-user-id': claims.sub },
    });
    expect(jwks.fetchCount()).toBe(1);
  });

  it('limits a tenant by its plan in Redis, with Retry-After and RateLimit headers', async () => {
    const headers = await bearer();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await call('/api/v1/funnels', { headers })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await call('/api/v1/funnels', { headers });
    expect(limited.body).toMatchObject({
      error: 'RATE_LIMITED',
      details: { scope: 'tenant', limit: 5, windowMs: 60_000 },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-limit')).toBe('5');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('opens the breaker while the service is gone and closes it when the service is back', async () => {
    await stopUpstream();
    // A big plan, so the polling below never meets the tenant limit.
    const headers = await bearer({ plan: 'enterprise' });
    const open = await eventually(
      async () => {
        const res = await call('/api/v1/funnels', { headers });
        return res.body.details?.reason === 'CIRCUIT_OPEN' ? res : undefined;
      },
      10_000,
      'the breaker to open',
    );
    expect(open.status).toBe(503);
    expect(open.headers.get('retry-after')).toBeTruthy();
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toMatch(/gateway_circuit_breaker_state\{[^}]*upstream="campaign"[^}]*\} 2/);

    await listenUpstream();
    await eventually(
      async () => ((await call('/api/v1/funnels', { headers })).status === 200 ? true : undefined),
      10_000,
      'the breaker to close',
    );
  });

  it('keeps serving, unlimited, while Redis is down (fail open)', async () => {
    await redis.stop('SIGKILL');
    const headers = await bearer();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await call('/api/v1/funnels', { headers })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.output()).toContain('rate limiter unavailable (Redis); letting requests through');
  });
});
