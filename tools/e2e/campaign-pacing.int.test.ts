// Pacing against the budget with real processes: user-management (tokens and the campaign service
// client), domain-repository (the Campaign aggregate) and campaign, from their bundles, on one
// database and the shared Redis. A campaign launched in domain-repository is paused there by
// campaign when a day's spend reaches 2x its daily budget, and completed with budget_exhausted
// once its total is spent, exactly once, also when campaign is SIGKILLed right after the entry
// that exhausts the budget. Campaign reads the platform's shared streams through consumer groups
// of its own created at '$' (removed afterwards).
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisUrl } from '@bizosaas/messaging/testing';
import { eventually, freePort, start, untilReady, type Started } from './processes.ts';
import { createOwnDatabase, type OwnDatabase } from './own-database.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The key-encryption key every test uses for the shared test database's signing keys.
const TEST_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const CLIENT = { id: 'campaign', secret: randomBytes(32).toString('base64url') };
const run = randomUUID().slice(0, 8);
const GROUP_PREFIX = `e2pacing-${run}`;
const ports = { users: 0, domain: 0, campaign: 0 };
const processes: Started[] = [];
let campaignProcess: Started | undefined;
const output = () => [...processes, ...(campaignProcess ? [campaignProcess] : [])].map((p) => p.output()).join('\n');
const recentOutput = () => output().slice(-6000);
const url = (port: number) => `http://127.0.0.1:${port}`;
let token: string;
// A database of its own: campaign's dispatcher and pacing sender work across tenants, and would
// take (or leave leased) the work of other tests' tenants on the shared test database.
let database: OwnDatabase;

function appProcess(app: string, port: number, env: Record<string, string> = {}): Started {
  return start(process.execPath, [`${root}apps/${app}/dist/main.js`], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    REDIS_URL: redisUrl,
    JWKS_URL: `${url(ports.users)}/.well-known/jwks.json`,
    DATABASE_URL: database.appUrl,
    WORKER_DATABASE_URL: database.workerUrl,
    ...env,
  });
}

async function startCampaign(): Promise<void> {
  campaignProcess = appProcess('campaign', ports.campaign, {
    CAMPAIGN_SERVICE_CLIENT_ID: CLIENT.id,
    CAMPAIGN_SERVICE_CLIENT_SECRET: CLIENT.secret,
    USER_MANAGEMENT_URL: url(ports.users),
    DOMAIN_REPOSITORY_URL: url(ports.domain),
    NOTIFICATION_URL: 'http://127.0.0.1:9',
    AI_AGENTS_URL: 'http://127.0.0.1:9',
    CONSUMER_NAME: `e2pacing-${run}`,
    CONSUMER_GROUP_PREFIX: GROUP_PREFIX,
    CONSUMER_START_ID: '$',
    DISPATCH_POLL_INTERVAL_MS: '100',
    // A command claimed by the killed process is sent again once its lease ends.
    DISPATCH_LEASE_MS: '2000',
  });
  await untilReady(url(ports.campaign), 30_000, recentOutput);
}

async function call(port: number, method: string, path: string, body?: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${url(port)}${path}`, {
    method,
    headers: {
      ...headers,
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body && { 'content-type': 'application/json' }),
    },
    ...(body && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}
const domain = (method: string, path: string, body?: object) => call(ports.domain, method, path, body);
const spend = (campaignId: string, amount: string, date: string, key: string) =>
  call(
    ports.campaign,
    'POST',
    `/api/v1/campaign-executions/${campaignId}/spend`,
    { amount, currency: 'USD', date },
    {
      'idempotency-key': key,
    },
  );
const pacing = (campaignId: string) => call(ports.campaign, 'GET', `/api/v1/campaign-executions/${campaignId}/pacing`);

beforeAll(async () => {
  database = await createOwnDatabase('pacing');
  execFileSync(process.execPath, ['tools/build.mjs', 'user-management', 'domain-repository', 'campaign'], {
    cwd: root,
  });
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  processes.push(
    appProcess('user-management', ports.users, {
      SIGNING_KEY_ENCRYPTION_KEY: TEST_KEK,
      LOGIN_LIMIT_KEY_PREFIX: `test:e2pacing:${run}:login`,
      SERVICE_CLIENTS: JSON.stringify({
        [CLIENT.id]: {
          secret: CLIENT.secret,
          permissions: ['notifications:send', 'campaigns:read', 'campaigns:write', 'campaigns:launch'],
        },
      }),
    }),
    appProcess('domain-repository', ports.domain, {
      CONSUMER_NAME: `e2pacing-${run}`,
      CRM_WORK_STREAM: `test:crm-work:{e2pacing-${run}}`,
    }),
  );
  await Promise.all([ports.users, ports.domain].map((port) => untilReady(url(port), 30_000, recentOutput)));
  await startCampaign();
  const email = `pacing.owner.${run}@example.test`;
  const password = 'a strong enough password';
  const registered = await call(ports.users, 'POST', '/api/v1/auth/register', {
    tenantName: `Pacing ${run}`,
    email,
    password,
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  const login = await call(ports.users, 'POST', '/api/v1/auth/login', { email, password });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  token = login.body.accessToken;
}, 180_000);

afterAll(async () => {
  await Promise.all([...processes, ...(campaignProcess ? [campaignProcess] : [])].map((p) => p.stop('SIGKILL')));
  await database?.drop();
  // This run's campaign read the shared streams in consumer groups of its own: gone with it.
  const redis = new Redis(redisUrl);
  const streams = await redis.keys('bizosaas:events:{*}');
  for (const stream of streams) {
    const groups = (await redis.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
    for (const group of groups) {
      const name = String(group[1]);
      if (name.startsWith(`${GROUP_PREFIX}.`)) await redis.xgroup('DESTROY', stream, name).catch(() => 0);
    }
  }
  await redis.quit();
});

/** The campaign in domain-repository once `done` holds for it. */
function campaignOnce(id: string, done: (campaign: Record<string, any>) => boolean, what: string) {
  return eventually(
    async () => {
      const res = await domain('GET', `/api/v1/campaigns/${id}`);
      return done(res.body) ? res.body : undefined;
    },
    20_000,
    `${what}\n${recentOutput()}`,
  );
}

describe('pacing against the budget', () => {
  it('pauses the campaign at the daily cap and completes it once when the total is spent', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const created = await domain('POST', '/api/v1/campaigns', {
      name: `Pacing ${run}`,
      campaignType: 'paid_ads',
      objective: 'sales',
      channels: ['google_ads'],
      // Caps: 200.00 a day, 3,040.00 a month, 300.00 in all.
      budget: { totalBudget: '300.00', dailyBudget: '100.00', currency: 'USD' },
      schedule: { startDate: `${day(-10)}T00:00:00.000Z`, endDate: `${day(60)}T00:00:00.000Z` },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await domain('POST', `/api/v1/campaigns/${id}/launch`, {})).status).toBe(200);
    await eventually(async () => ((await pacing(id)).status === 200 ? true : undefined), 20_000, 'campaign known');

    const capped = await spend(id, '200.00', day(0), 'day-cap');
    expect(capped.status, JSON.stringify(capped.body)).toBe(201);
    expect(capped.body.limitsReached).toEqual([expect.objectContaining({ limit: 'daily', action: 'paused' })]);
    await campaignOnce(id, (c) => c.status === 'paused', 'the campaign paused by pacing');
    expect((await domain('POST', `/api/v1/campaigns/${id}/resume`, {})).status).toBe(200);

    const exhausted = await spend(id, '100.00', day(-1), 'total');
    expect(exhausted.body.limitsReached).toEqual([expect.objectContaining({ limit: 'total', action: 'completed' })]);
    // Killed before, while or after it sent the completion: the row is sent (again) after a restart.
    await campaignProcess!.stop('SIGKILL');
    await startCampaign();
    const completed = await campaignOnce(id, (c) => c.status === 'completed', 'the campaign completed by pacing');
    const done = await eventually(
      async () => {
        const view = (await pacing(id)).body;
        return view.lastActions?.every((action: { status: string }) => action.status === 'done') ? view : undefined;
      },
      20_000,
      `pacing actions done\n${recentOutput()}`,
    );
    expect(done).toMatchObject({ status: 'budget_exhausted', caps: { total: { spent: '300.00', remaining: '0.00' } } });
    expect(done.lastActions.map((action: { action: string }) => action.action)).toEqual(['complete', 'pause']);
    // created, launched, paused, resumed, completed: one completion, whatever was retried.
    expect(completed.version).toBe(5);
    const again = await spend(id, '100.00', day(-1), 'total');
    expect(again.body).toEqual(exhausted.body);
    const past = await spend(id, '0.01', day(-2), 'after');
    expect(past.status).toBe(422);
    expect(past.body.details).toMatchObject({ rule: 'spend.within_total_cap', remaining: '0.00' });
    expect((await domain('GET', `/api/v1/campaigns/${id}`)).body.version).toBe(5);
  });
});
