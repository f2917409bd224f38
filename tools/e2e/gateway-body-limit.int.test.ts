// Oversized bodies at the edge, with the built gateway and four built services as processes:
// the gateway refuses a body over its limit itself (declared or counted while streaming), an
// upstream's own 413 passes through, neither counts against the breaker, and the client's
// keep-alive connection stays usable for the next request.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { metricValue } from '@bizosaas/service-kit/testing';
import { freePort, untilReady, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const LIMIT = 1_048_576;
// user-management takes less than the gateway lets through, so its own 413 is what the client hears.
const USERS_LIMIT = 65_536;
const services = ['user-management', 'campaign', 'analytics', 'event-bus'] as const;
const target: Record<(typeof services)[number], string> = {
  'user-management': '/api/v1/api-keys',
  campaign: '/api/v1/campaign-executions',
  analytics: '/api/v1/analytics/events',
  'event-bus': '/api/v1/events',
};
const processes: Started[] = [];
const ports = { gateway: 0, redis: 0, users: 0, campaign: 0, analytics: 0, bus: 0 };
let token = '';
// One connection: every request below reuses the same keep-alive socket when the gateway allows it.
const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });

function startApp(app: string, port: number, env: Record<string, string>): void {
  processes.push(
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      DATABASE_URL: inject('appDatabaseUrl'),
      WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
      JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
      ...env,
    }),
  );
}

const gateway = (path: string) => `http://127.0.0.1:${ports.gateway}${path}`;
const ready = (port: number) =>
  untilReady(`http://127.0.0.1:${port}`, 30_000, () => processes.map((p) => p.output()).join('\n'));

/** POSTs `body` through the gateway on the one-connection agent; a hang fails by the signal. */
async function post(path: string, body: Buffer | Readable) {
  const res = await request(gateway(path), {
    method: 'POST',
    dispatcher: agent,
    body,
    signal: AbortSignal.timeout(15_000),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, any> };
}

/** The next request on the same agent: it must answer, and promptly (a hang fails at one second). */
async function nextRequestAnswers(service: string) {
  const res = await request(gateway(`/docs/services/${service}/json`), {
    dispatcher: agent,
    signal: AbortSignal.timeout(1_000),
  });
  await res.body.dump();
  return res.statusCode;
}

function chunked(size: number): Readable {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
    })(),
  );
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway', ...services], { cwd: root });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  processes.push(
    start('redis-server', ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']),
  );
  startApp('user-management', ports.users, {
    BODY_LIMIT_BYTES: String(USERS_LIMIT),
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:gw-body:${randomUUID().slice(0, 8)}`,
  });
  startApp('campaign', ports.campaign, {});
  startApp('analytics', ports.analytics, {});
  startApp('event-bus', ports.bus, {
    EVENTBUS_STREAM_NAMESPACE: `test:gw-body:${randomUUID().slice(0, 8)}`,
    EVENTBUS_MASTER_KEYS: JSON.stringify({ 'test-1': Buffer.alloc(32, 'gw-body-limit').toString('base64') }),
  });
  const url = (port: number) => `http://127.0.0.1:${port}`;
  startApp('api-gateway', ports.gateway, {
    USER_MANAGEMENT_URL: url(ports.users),
    CAMPAIGN_URL: url(ports.campaign),
    ANALYTICS_URL: url(ports.analytics),
    EVENT_BUS_URL: url(ports.bus),
    ...Object.fromEntries(
      ['AI_AGENTS_URL', 'INTEGRATION_URL', 'NOTIFICATION_URL', 'DOMAIN_REPOSITORY_URL'].map((v) => [
        v,
        'http://127.0.0.1:9',
      ]),
    ),
    BODY_LIMIT_BYTES: String(LIMIT),
    BREAKER_FAILURE_THRESHOLD: '2',
  });
  for (const port of [ports.users, ports.campaign, ports.analytics, ports.bus, ports.gateway]) await ready(port);
  const email = `gw.body.${randomUUID().slice(0, 8)}@example.test`;
  const registered = await fetch(gateway('/api/v1/auth/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantName: 'Gateway body limit', email, password: 'a strong enough password' }),
  });
  expect(registered.status).toBe(201);
  token = ((await registered.json()) as { accessToken: string }).accessToken;
}, 120_000);

afterAll(async () => {
  await agent.close();
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
});

describe('bodies over the limit through the gateway', () => {
  it.each(services)(
    'refuses ten 2 MB POSTs to %s with 413, and the same connection answers right after',
    async (service) => {
      for (let i = 0; i < 10; i += 1) {
        const res = await post(target[service], Buffer.alloc(2 * LIMIT, 'a'));
        expect(res.status, JSON.stringify(res.body)).toBe(413);
        expect(res.body).toEqual({
          error: 'PAYLOAD_TOO_LARGE',
          message: expect.any(String),
          details: { limit: LIMIT },
        });
        expect(await nextRequestAnswers(service)).toBe(200);
      }
    },
  );

  it('counts a chunked body while streaming it and stops at the limit', async () => {
    const res = await post(target.campaign, chunked(2 * LIMIT));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', details: { limit: LIMIT } });
    expect(await nextRequestAnswers('campaign')).toBe(200);
  });

  it('passes an upstream 413 through, declared or chunked', async () => {
    for (const body of [Buffer.alloc(4 * USERS_LIMIT, 'a'), chunked(4 * USERS_LIMIT)]) {
      const res = await post(target['user-management'], body);
      expect(res.status, JSON.stringify(res.body)).toBe(413);
      expect(res.body.error).toBe('PAYLOAD_TOO_LARGE');
      expect(await nextRequestAnswers('user-management')).toBe(200);
    }
  });

  it('counts none of these against a breaker', async () => {
    const metrics = await (await fetch(gateway('/metrics'))).text();
    for (const upstream of services) {
      expect(
        metricValue(metrics, 'gateway_upstream_requests_total', { upstream, status_class: 'error' }),
        upstream,
      ).toBeUndefined();
      expect(metricValue(metrics, 'gateway_circuit_breaker_state', { upstream }), upstream).toBe(0);
    }
  });
});
