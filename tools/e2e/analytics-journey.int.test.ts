// Issue 20's acceptance through the gateway: user-management, domain-repository, analytics and the
// api-gateway as real processes from their bundles, one database and the shared Redis. A tenant
// creates 3 leads, qualifies 2 and converts 1 through the gateway; analytics (reading every event
// stream) shows the KPIs within a second of the last command, the funnel created -> qualified ->
// converted answers 3 / 2 / 1, lineage of leadsCreated lists exactly the 3 lead.created events, and
// another tenant sees zeros. The event stores publish to the default stream namespace, so
// analytics reads it, through a consumer group of its own created at new entries.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { eventStreamKey } from '@bizosaas/messaging';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const run = randomUUID().slice(0, 8);
const ports = { gateway: 0, users: 0, domain: 0, analytics: 0 };
const processes: Started[] = [];
const recentOutput = () =>
  processes
    .map((p) => p.output())
    .join('\n')
    .slice(-6000);
const password = 'a strong enough password';
const INGEST_GROUP = `analytics-e2e-${run}`;
const INGESTED = ['lead', 'customer', 'campaign', 'ai_analysis'];

function startApp(app: string, port: number, env: Record<string, string> = {}): void {
  processes.push(
    start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: redisUrl,
      JWKS_URL: `http://127.0.0.1:${ports.users}/.well-known/jwks.json`,
      DATABASE_URL: inject('appDatabaseUrl'),
      WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
      ...env,
    }),
  );
}

async function api(token: string | null, method: string, path: string, body?: object) {
  const res = await fetch(`http://127.0.0.1:${ports.gateway}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function owner(name: string): Promise<string> {
  const email = `analytics.${name}.${run}@example.test`;
  const registered = await api(null, 'POST', '/api/v1/auth/register', {
    tenantName: `Analytics ${name} ${run}`,
    email,
    password,
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const login = await api(null, 'POST', '/api/v1/auth/login', { email, password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  return login.body.accessToken as string;
}

beforeAll(async () => {
  const apps = ['api-gateway', 'user-management', 'domain-repository', 'analytics'];
  execFileSync(process.execPath, ['tools/build.mjs', ...apps], { cwd: root });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  const url = (port: number) => `http://127.0.0.1:${port}`;
  startApp('user-management', ports.users, {
    SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `test:e2analytics:${run}:login`,
  });
  startApp('domain-repository', ports.domain, {
    CONSUMER_NAME: `e2analytics-${run}`,
    CRM_WORK_STREAM: `test:crm-work:{e2analytics-${run}}`,
  });
  startApp('analytics', ports.analytics, {
    CONSUMER_NAME: `e2analytics-${run}`,
    INGEST_GROUP,
    INGEST_START_ID: '$',
    PROJECTION_POLL_INTERVAL_MS: '50',
  });
  const closed = 'http://127.0.0.1:9';
  startApp('api-gateway', ports.gateway, {
    USER_MANAGEMENT_URL: url(ports.users),
    DOMAIN_REPOSITORY_URL: url(ports.domain),
    ANALYTICS_URL: url(ports.analytics),
    ...Object.fromEntries(
      ['CAMPAIGN_URL', 'AI_AGENTS_URL', 'INTEGRATION_URL', 'NOTIFICATION_URL', 'EVENT_BUS_URL'].map((v) => [v, closed]),
    ),
    RATE_LIMIT_PREFIX: `test:e2analytics:${run}:ratelimit:`,
  });
  await Promise.all(Object.values(ports).map((port) => untilReady(url(port), 30_000, recentOutput)));
}, 120_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  // This run's ingest group read the shared streams: gone with it, so it holds back no trimming.
  const redis = new Redis(redisUrl);
  for (const type of INGESTED) await redis.xgroup('DESTROY', eventStreamKey(type), INGEST_GROUP).catch(() => 0);
  await redis.quit();
});

describe('a tenant’s lead figures in analytics, through the gateway', () => {
  it('shows 3 created, 2 qualified, 1 converted within a second, the funnel 3/2/1, the lineage, and zeros to another tenant', async () => {
    const token = await owner('a');
    const leads: string[] = [];
    for (const name of ['ada', 'grace', 'linus']) {
      const created = await api(token, 'POST', '/api/v1/leads', {
        contact: { email: `${name}.${run}@example.test`, firstName: name },
        source: 'website_form',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      leads.push(created.body.id as string);
    }
    const score = { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: 60 };
    for (const leadId of leads.slice(0, 2)) {
      const qualified = await api(token, 'POST', `/api/v1/leads/${leadId}/qualify`, { score });
      expect(qualified.status, JSON.stringify(qualified.body)).toBe(200);
    }
    const converted = await api(token, 'POST', `/api/v1/leads/${leads[0]}/convert`, {
      conversionValue: '5000.00',
      currency: 'USD',
    });
    expect(converted.status, JSON.stringify(converted.body)).toBe(200);
    const lastCommandAt = performance.now();

    const kpis = await eventually(
      async () => {
        const res = await api(token, 'GET', '/api/v1/analytics/kpis');
        return res.body.kpis?.leadsConverted === 1 && res.body.kpis?.leadsQualified === 2 ? res.body : undefined;
      },
      10_000,
      `the KPIs of 3/2/1\n${recentOutput()}`,
    );
    const visibleAfterMs = performance.now() - lastCommandAt;
    expect(kpis.kpis).toMatchObject({
      leadsCreated: 3,
      leadsQualified: 2,
      leadsConverted: 1,
      revenue: [{ amount: '5000.00', currency: 'USD' }],
    });
    // The figure a benchmark measures properly (tools/bench/analytics-freshness.ts); here one sample.
    console.info(`KPIs visible ${visibleAfterMs.toFixed(0)} ms after the last command`);

    const funnel = await api(token, 'POST', '/api/v1/analytics/funnels/query', {
      steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }, { eventType: 'lead.converted' }],
      dateRange: { from: '2020-01-01' },
    });
    expect(funnel.status, JSON.stringify(funnel.body)).toBe(200);
    expect(funnel.body.steps.map((s: { count: number }) => s.count)).toEqual([3, 2, 1]);

    const lineage = await api(token, 'GET', '/api/v1/analytics/lineage?metric=leadsCreated');
    expect(lineage.status).toBe(200);
    expect(lineage.body.events.map((e: { aggregateId: string }) => e.aggregateId).sort()).toEqual([...leads].sort());
    expect(lineage.body.events.every((e: { type: string }) => e.type === 'lead.created')).toBe(true);

    const other = await owner('b');
    const zeros = await api(other, 'GET', '/api/v1/analytics/kpis');
    expect(zeros.body.kpis).toMatchObject({ leadsCreated: 0, leadsQualified: 0, leadsConverted: 0, revenue: [] });
    const otherLineage = await api(other, 'GET', '/api/v1/analytics/lineage?metric=leadsCreated');
    expect(otherLineage.body.events).toEqual([]);
  });
});
