// End to end with real processes: the gateway and two services built by `npm run build`, a
// dedicated redis-server (so killing it touches no other test) and the migrated test database.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { eventually, freePort, getJson, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const closed = 'http://127.0.0.1:9';
const processes: Started[] = [];
let redisPort: number;
let redis: Started;
const ports: Record<'gateway' | 'domain' | 'analytics', number> = { gateway: 0, domain: 0, analytics: 0 };

function startRedis(): Started {
  return start('redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}

function startApp(app: string, port: number, env: Record<string, string> = {}): Started {
  const started = start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    ...env,
  });
  processes.push(started);
  return started;
}

const ready = (port: number) => async () =>
  (await getJson(`http://127.0.0.1:${port}/ready`)).status === 200 ? true : undefined;

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs', 'api-gateway', 'domain-repository', 'analytics'], { cwd: root });
  [redisPort, ports.gateway, ports.domain, ports.analytics] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  redis = startRedis();
  startApp('domain-repository', ports.domain);
  startApp('analytics', ports.analytics);
  startApp('api-gateway', ports.gateway, {
    DOMAIN_REPOSITORY_URL: `http://127.0.0.1:${ports.domain}`,
    ANALYTICS_URL: `http://127.0.0.1:${ports.analytics}`,
    ...Object.fromEntries(
      [
        'AI_AGENTS_URL',
        'USER_MANAGEMENT_URL',
        'CAMPAIGN_URL',
        'INTEGRATION_URL',
        'NOTIFICATION_URL',
        'EVENT_BUS_URL',
      ].map((v) => [v, closed]),
    ),
  });
  for (const port of Object.values(ports)) {
    await eventually(ready(port), 20_000, `port ${port} ready\n${processes.map((p) => p.output()).join('\n')}`);
  }
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await redis?.stop('SIGKILL');
});

describe('gateway and two services as real processes', () => {
  it('reports the running services up and the others down in the gateway /health', async () => {
    const { status, body } = await getJson(`http://127.0.0.1:${ports.gateway}/health`);
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.services['domain-repository'].status).toBe('up');
    expect(body.services.analytics.status).toBe('up');
    expect(body.services['user-management'].status).toBe('down');
  });

  it('refuses an API path without a token at the edge, echoing the correlation id; unknown paths 404', async () => {
    const res = await getJson(`http://127.0.0.1:${ports.gateway}/api/v1/leads?page=2`, { 'x-correlation-id': 'e2e-1' });
    // Forwarding with a verified token is covered by gateway-edge.int.test.ts.
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: 'UNAUTHENTICATED', details: { reason: 'missing_token' } });
    expect(res.headers.get('x-correlation-id')).toBe('e2e-1');
    const unknown = await getJson(`http://127.0.0.1:${ports.gateway}/api/v1/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('No route for GET /api/v1/nowhere');
  });

  it('serves each running service OpenAPI document through the gateway', async () => {
    const res = await getJson(`http://127.0.0.1:${ports.gateway}/docs/services/domain-repository/json`);
    expect(res.status).toBe(200);
    expect(await new Validator().validate(res.body)).toEqual({ valid: true });
    expect(res.body.info.title).toBe('domain-repository API');
  });

  it('answers 503 naming redis while Redis is down, and recovers without a restart', async () => {
    const service = processes[0]!;
    await redis.stop('SIGKILL');
    const down = await eventually(
      async () => {
        const res = await getJson(`http://127.0.0.1:${ports.domain}/ready`);
        return res.status === 503 ? res.body : undefined;
      },
      10_000,
      '/ready to answer 503',
    );
    expect(down.error).toBe('NOT_READY');
    expect(down.details.down).toEqual(['redis']);
    const gatewayView = await getJson(`http://127.0.0.1:${ports.gateway}/health`);
    expect(gatewayView.body.services['domain-repository']).toMatchObject({
      status: 'down',
      error: '/ready answered 503',
    });

    redis = startRedis();
    await eventually(ready(ports.domain), 15_000, '/ready to recover');
    expect(service.child.exitCode).toBeNull();
    const again = await getJson(`http://127.0.0.1:${ports.domain}/ready`);
    expect(again.body.components.redis.status).toBe('up');
  });

  it('refuses to start on a bad variable, with one line naming it', async () => {
    const bad = start(process.execPath, [`${root}apps/analytics/dist/main.js`], {
      PORT: 'eighty',
      REDIS_URL: 'http://nope',
    });
    const [code] = (await once(bad.child, 'exit')) as [number];
    expect(code).toBe(78);
    expect(bad.output().trim()).toBe(
      'Invalid configuration: PORT is invalid: Invalid input: expected number, received NaN',
    );
  });

  it('drains and exits 0 on SIGTERM', async () => {
    const analytics = processes[1]!;
    expect(await analytics.stop('SIGTERM')).toBe(0);
  });
});
