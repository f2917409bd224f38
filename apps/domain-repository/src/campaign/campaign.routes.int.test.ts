import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJwksVerifier } from '@bizosaas/auth';
import { generateSigningKey, jwksOf, signTestToken, testClaims, type TestSigningKey } from '@bizosaas/auth/testing';
import { loadConfig } from '@bizosaas/config';
import { createPgPool } from '@bizosaas/db';
import { createRedis } from '@bizosaas/messaging';
import type { ServiceApp } from '@bizosaas/service-kit';
import { buildDomainRepositoryApp } from '../app.ts';
import { configSchema } from '../config.ts';

let app: ServiceApp;
let key: TestSigningKey;
const cleanup: (() => Promise<unknown>)[] = [];
const tenantA = randomUUID();
const tenantB = randomUUID();
let manager: string;
let member: string;
let otherTenant: string;

beforeAll(async () => {
  key = await generateSigningKey();
  const config = loadConfig(configSchema, {
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('appDatabaseUrl'),
    WORKER_DATABASE_URL: inject('workerDatabaseUrl'),
    PROJECTION_POLL_INTERVAL_MS: '20',
  });
  const pool = createPgPool({ databaseUrl: config.DATABASE_URL, poolMax: 4, schema: 'domain_repository' });
  const worker = createPgPool({ databaseUrl: config.WORKER_DATABASE_URL, poolMax: 4, schema: 'domain_repository' });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    connectionName: 'domain-repository:campaign-test',
  });
  cleanup.push(
    () => redis.quit(),
    () => pool.end(),
    () => worker.end(),
  );
  if (redis.status !== 'ready') await once(redis, 'ready');
  // Commands run at a fixed instant inside the March schedule used below.
  app = await buildDomainRepositoryApp(
    config,
    { pool, worker, redis, verifier: createJwksVerifier({ jwks: jwksOf(key) }) },
    {
      now: () => new Date('2025-03-10T09:00:00.000Z'),
    },
  );
  await app.ready();
  manager = await signTestToken(key, testClaims({ tenant_id: tenantA, roles: ['manager'] }));
  member = await signTestToken(key, testClaims({ tenant_id: tenantA, roles: ['member'] }));
  otherTenant = await signTestToken(key, testClaims({ tenant_id: tenantB, roles: ['manager'] }));
});
afterAll(async () => {
  await app?.close();
  await Promise.allSettled(cleanup.map((close) => close()));
});

const draft = {
  name: 'Spring Product Launch',
  campaignType: 'multi_channel',
  objective: 'lead_generation',
  channels: ['email', 'google_ads', 'linkedin_ads'],
  budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
  schedule: { startDate: '2025-03-01T00:00:00.000Z', endDate: '2025-03-31T00:00:00.000Z' },
};

function call(
  method: 'GET' | 'POST',
  url: string,
  token: string | null,
  payload?: object,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    ...(payload !== undefined && { payload }),
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
  });
}
async function createCampaign(token = manager, body: object = draft): Promise<string> {
  const response = await call('POST', '/api/v1/campaigns', token, body);
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

describe('campaign routes', () => {
  it('drafts, reads, launches, optimises, pauses, resumes and completes a campaign', async () => {
    const created = await call('POST', '/api/v1/campaigns', manager, {
      ...draft,
      budget: { ...draft.budget, totalBudget: '10000' },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json()).toEqual({ id, version: 1, status: 'draft', ...draft, optimizationGoal: null });
    expect((await call('GET', `/api/v1/campaigns/${id}`, manager)).json()).toEqual(created.json());

    const steps: [string, object | undefined, string, number][] = [
      ['launch', undefined, 'active', 2],
      ['launch', {}, 'active', 2],
      ['optimize', { optimizationGoal: 'minimize_cpa' }, 'active', 3],
      ['pause', { reason: 'Creative under review' }, 'paused', 4],
      ['resume', {}, 'active', 5],
      ['complete', { reason: 'objective_met', note: null }, 'completed', 6],
    ];
    for (const [action, body, status, version] of steps) {
      const response = await call('POST', `/api/v1/campaigns/${id}/${action}`, manager, body);
      expect([action, response.statusCode, response.json().status, response.json().version]).toEqual([
        action,
        200,
        status,
        version,
      ]);
    }
    expect((await call('GET', `/api/v1/campaigns/${id}`, manager)).json()).toMatchObject({
      status: 'completed',
      optimizationGoal: 'minimize_cpa',
      version: 6,
    });
  });

  it('answers an invalid transition 422 with the rule, the current status and the campaign id', async () => {
    const id = await createCampaign();
    const response = await call('POST', `/api/v1/campaigns/${id}/pause`, manager, {});
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      message: 'Campaign is draft; needs active',
      details: { rule: 'campaign.pause.requires_active', currentStatus: 'draft', campaignId: id },
    });
  });

  it('answers 400 listing the budget and schedule fields that break their invariants', async () => {
    const response = await call('POST', '/api/v1/campaigns', manager, {
      ...draft,
      budget: { totalBudget: '100.00', dailyBudget: '150.00', currency: 'USD' },
      schedule: { startDate: '2025-03-31T00:00:00Z', endDate: '2025-03-01T00:00:00Z' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('VALIDATION_ERROR');
    expect(
      response
        .json()
        .details.issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['budget.dailyBudget', 'schedule.endDate']);
    const money = await call('POST', '/api/v1/campaigns', manager, {
      ...draft,
      budget: { ...draft.budget, totalBudget: 10000 },
    });
    expect(money.statusCode).toBe(400);
  });

  it('needs campaigns:launch to launch and campaigns:write to draft; a token at all', async () => {
    const id = await createCampaign(member);
    expect((await call('POST', `/api/v1/campaigns/${id}/launch`, member)).statusCode).toBe(403);
    expect(
      (
        await call('POST', `/api/v1/campaigns/${id}/budget`, member, {
          budget: { totalBudget: '20000', dailyBudget: '900', currency: 'USD' },
        })
      ).json(),
    ).toMatchObject({
      budget: { totalBudget: '20000.00', dailyBudget: '900.00', currency: 'USD' },
      version: 2,
    });
    expect((await call('GET', `/api/v1/campaigns/${id}`, null)).statusCode).toBe(401);
  });

  it("answers another tenant's campaign 404, for reads and commands", async () => {
    const id = await createCampaign();
    const read = await call('GET', `/api/v1/campaigns/${id}`, otherTenant);
    expect([read.statusCode, read.json().error]).toEqual([404, 'TENANT_ISOLATION_VIOLATION']);
    expect((await call('POST', `/api/v1/campaigns/${id}/launch`, otherTenant)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/campaigns/${randomUUID()}`, manager)).statusCode).toBe(404);
  });

  it('answers a repeated Idempotency-Key with the first result, and a stale If-Match with 409', async () => {
    const headers = { 'idempotency-key': `create-${randomUUID()}` };
    const first = await call('POST', '/api/v1/campaigns', manager, draft, headers);
    const again = await call('POST', '/api/v1/campaigns', manager, draft, headers);
    expect(again.json().id).toBe(first.json().id);
    const stale = await call('POST', `/api/v1/campaigns/${first.json().id}/launch`, manager, {}, { 'if-match': '"3"' });
    expect([stale.statusCode, stale.json().details]).toEqual([409, { expectedVersion: 3, actualVersion: 1 }]);
  });

  it('lists the live campaigns of the caller only (projection)', async () => {
    const [live, paused, draftOnly] = [await createCampaign(), await createCampaign(), await createCampaign()];
    const theirs = await createCampaign(otherTenant);
    for (const id of [live, paused]) await call('POST', `/api/v1/campaigns/${id}/launch`, manager);
    await call('POST', `/api/v1/campaigns/${paused}/pause`, manager, {});
    await call('POST', `/api/v1/campaigns/${theirs}/launch`, otherTenant);
    const mine = [live, paused, draftOnly];
    // The projection is eventually consistent: poll until it shows the paused campaign gone (the test timeout bounds it).
    let ids: string[];
    for (;;) {
      const page = await call('GET', '/api/v1/campaigns/active?limit=100', manager);
      expect(page.statusCode).toBe(200);
      ids = page.json().items.map((item: { id: string }) => item.id);
      if (ids.includes(live) && !ids.includes(paused)) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(ids.filter((id) => [...mine, theirs].includes(id))).toEqual([live]);
  });
});
