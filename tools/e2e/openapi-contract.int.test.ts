// The nine services and the gateway as built processes: every OpenAPI document, as the service
// serves it and as the gateway serves it at /docs/services/<name>/json, and the gateway's own,
// passes Spectral's spectral:oas ruleset (no error, no warning) and swagger-parser; and a request
// made the way Swagger UI's "Try it out" makes it from the gateway's copy (server URL resolved
// against the document's URL, the bearerAuth token) reaches the service through the gateway.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  generateSigningKey,
  jwksOf,
  signTestToken,
  startJwksServer,
  testClaims,
  type TestJwksServer,
  type TestSigningKey,
} from '@bizosaas/auth/testing';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { freePort, untilReady, getJson, start, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SERVICES = {
  'ai-agents': 'AI_AGENTS_URL',
  'user-management': 'USER_MANAGEMENT_URL',
  campaign: 'CAMPAIGN_URL',
  analytics: 'ANALYTICS_URL',
  integration: 'INTEGRATION_URL',
  notification: 'NOTIFICATION_URL',
  'event-bus': 'EVENT_BUS_URL',
  'domain-repository': 'DOMAIN_REPOSITORY_URL',
} as const;
type Service = keyof typeof SERVICES;
const names = Object.keys(SERVICES) as Service[];
// Test configuration the services cannot start without: the keys the shared test database's
// signing keys and data keys are sealed with (as in the apps' test-support).
const SERVICE_ENV: Partial<Record<Service, Record<string, string>>> = {
  'user-management': { SIGNING_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 'bizosaas-test-kek').toString('base64') },
  'event-bus': {
    EVENTBUS_MASTER_KEYS: JSON.stringify({
      'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
      'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
    }),
    EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
  },
  integration: {
    INTEGRATION_MASTER_KEYS: JSON.stringify({
      'test-1': Buffer.alloc(32, 'integration-test-master').toString('base64'),
    }),
  },
  'ai-agents': {
    AGENTS_MASTER_KEYS: JSON.stringify({ 'test-1': Buffer.alloc(32, 'ai-agents-test-master').toString('base64') }),
  },
};

const processes: Started[] = [];
const ports = {} as Record<Service | 'gateway' | 'redis', number>;
let key: TestSigningKey;
let jwks: TestJwksServer;
const origin = (name: Service | 'gateway') => `http://127.0.0.1:${ports[name]}`;
const output = () => processes.map((p) => p.output()).join('\n');

function startApp(app: Service | 'api-gateway', port: number, env: Record<string, string>): void {
  processes.push(
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
      JWKS_URL: jwks.url,
      ...env,
    }),
  );
}

const ready = (url: string) => untilReady(url, 40_000, output);
const documentAt = async (url: string) => {
  const { status, body } = await getJson(url);
  expect(status, `${url}\n${output()}`).toBe(200);
  return body;
};

beforeAll(async () => {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root });
  key = await generateSigningKey('EdDSA');
  jwks = await startJwksServer(jwksOf(key));
  for (const name of [...names, 'gateway', 'redis'] as const) ports[name] = await freePort();
  // A Redis of its own: the services' consumers and relays touch no other test's streams.
  processes.push(
    start('redis-server', ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']),
  );
  const databases = { DATABASE_URL: inject('appDatabaseUrl'), WORKER_DATABASE_URL: inject('workerDatabaseUrl') };
  for (const name of names) startApp(name, ports[name], { ...databases, ...SERVICE_ENV[name] });
  startApp('api-gateway', ports.gateway, Object.fromEntries(names.map((name) => [SERVICES[name], origin(name)])));
  await ready(origin('gateway'));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await jwks?.close();
});

describe.each(names)('%s OpenAPI document', (name) => {
  it('passes spectral:oas and swagger-parser as the service serves it', async () => {
    await ready(origin(name));
    expect(await openApiProblems(await documentAt(`${origin(name)}/docs/json`))).toEqual([]);
  });

  it('passes them as the gateway serves it, pointing Try it out at the gateway with the bearer scheme', async () => {
    await ready(origin(name));
    const url = `${origin('gateway')}/docs/services/${name}/json`;
    const document = await documentAt(url);
    expect(await openApiProblems(document)).toEqual([]);
    expect(new URL(document.servers[0].url, url).origin).toBe(origin('gateway'));
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });
});

describe('the gateway', () => {
  it('serves its own document clean under spectral:oas and swagger-parser', async () => {
    expect(await openApiProblems(await documentAt(`${origin('gateway')}/docs/json`))).toEqual([]);
  });

  it('answers a Try it out request built from the document it serves, with the Authorize token', async () => {
    await ready(origin('event-bus'));
    const url = `${origin('gateway')}/docs/services/event-bus/json`;
    const document = await documentAt(url);
    const operation = document.paths['/api/v1/events/schemas'].get;
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    const target = new URL(`.${'/api/v1/events/schemas'}`, new URL(document.servers[0].url, url));
    const anonymous = await fetch(target, { signal: AbortSignal.timeout(5_000) });
    expect(anonymous.status).toBe(401);
    const token = await signTestToken(key, testClaims({ roles: ['viewer'] }));
    const res = await fetch(target, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { schemas: unknown[] }).schemas.length).toBeGreaterThan(0);
  });

  it('runs Try it out in its Swagger UI: the domain-repository document picked, Authorize, Execute: 200', async () => {
    await ready(origin('domain-repository'));
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    try {
      const page = await browser.newPage();
      await page.goto(`${origin('gateway')}/docs/`);
      await page.selectOption('.topbar select', { label: 'domain-repository' });
      await page.locator('.info .title', { hasText: 'domain-repository API' }).waitFor();
      await page.click('button.authorize');
      await page.fill('.auth-container input', await signTestToken(key, testClaims({ roles: ['viewer'] })));
      await page.click('.auth-btn-wrapper button.authorize');
      await page.click('button.btn-done');
      const operation = page.locator('#operations-leads-listLeads');
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      await operation.locator('button.execute').click();
      const status = operation.locator('.live-responses-table tbody .response-col_status').first();
      await status.waitFor();
      expect((await status.innerText()).trim()).toBe('200');
      expect(await operation.locator('.request-url').innerText()).toContain(`${origin('gateway')}/api/v1/leads`);
      expect(
        JSON.parse(await operation.locator('.live-responses-table .response-col_description pre').first().innerText()),
      ).toMatchObject({ items: [], total: 0 });
    } finally {
      await browser.close();
    }
  });
});
