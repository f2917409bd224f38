// user-management as a real process (the bundle `node tools/build.mjs` makes): sign-up, sign-in,
// refresh rotation and sign-out over HTTP, tokens verified the way every other service does it
// (libs/auth against the process's /.well-known/jwks.json), events relayed to Redis Streams,
// and a graceful SIGTERM.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { testRedis, waitFor } from '@bizosaas/messaging/testing';
import { eventually, freePort, getJson, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The key-encryption key every test uses for the shared test database's signing keys.
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const redis = testRedis('identity-e2e');
let port: number;
let service: Started;
const base = () => `http://127.0.0.1:${port}`;

async function post(path: string, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${base()}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Record<string, any>) };
}

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'user-management'], { cwd: root });
  port = await freePort();
  service = start(process.execPath, [`${root}apps/user-management/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:um-e2e:${randomUUID().slice(0, 8)}`,
  });
  await eventually(
    async () => ((await getJson(`${base()}/ready`)).status === 200 ? true : undefined),
    20_000,
    `user-management ready\n${service.output()}`,
  );
});

afterAll(async () => {
  await service?.stop('SIGKILL');
  redis.disconnect();
});

describe('identity flow against the running user-management process', () => {
  it('signs up, signs in, rotates and signs out; other services can verify its tokens by the JWKS', async () => {
    const email = `e2e.${randomUUID().slice(0, 8)}@example.test`;
    const correlationId = `e2e-identity-${randomUUID()}`;
    const reg = await post(
      '/api/v1/auth/register',
      { tenantName: 'E2E Identity', email, password: 'a strong enough password' },
      { 'x-correlation-id': correlationId },
    );
    expect(reg.status).toBe(201);

    const login = await post('/api/v1/auth/login', { email, password: 'a strong enough password' });
    expect(login.status).toBe(200);
    const verifier = createJwksVerifier({ jwksUrl: `${base()}/.well-known/jwks.json` });
    const principal = await verifier.verify(login.body.accessToken);
    expect(principal).toMatchObject({
      userId: reg.body.user.id,
      tenantId: reg.body.tenant.id,
      roles: ['owner'],
      plan: 'free',
    });
    expect(principal.permissions).toContain('tenant:manage');

    const me = await getJson(`${base()}/api/v1/users/me`, { authorization: `Bearer ${login.body.accessToken}` });
    expect(me.body).toMatchObject({ email, role: 'owner' });

    const rotated = await post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await post('/api/v1/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);

    const out = await post('/api/v1/auth/logout', {}, { authorization: `Bearer ${reg.body.accessToken}` });
    expect(out.status).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refreshToken: reg.body.refreshToken })).status).toBe(401);

    await waitFor(async () => {
      const entries = (await redis.xrevrange(eventStreamKey('user'), '+', '-', 'COUNT', 2000)) as [string, string[]][];
      return entries.some(
        ([, fields]) => JSON.parse(fieldValue(fields, 'envelope') ?? '{}').correlationId === correlationId,
      );
    }, 'user.created relayed by the process');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await service.stop('SIGTERM')).toBe(0);
  });
});
