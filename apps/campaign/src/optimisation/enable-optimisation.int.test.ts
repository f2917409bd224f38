import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { createPlatformClient } from '@bizosaas/platform-client';
import { applyCampaignEvent } from '../campaigns/campaign-read-model.ts';
import { givenCampaign } from '../spend/spend-test-support.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { optimisationFeature } from './optimisation-feature.ts';

const BUDGET = { totalBudget: '1000.00', dailyBudget: null };

/** A port nothing listens on: domain-repository down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let detached: TestApp;
let unreachable: TestApp;
beforeAll(async () => {
  detached = await startTestApp({}, { features: [optimisationFeature] });
  const domain = createPlatformClient({
    baseUrl: `http://127.0.0.1:${await closedPort()}`,
    name: 'domain-repository',
    token: async () => 'token',
    maxAttempts: 1,
  });
  const platform = { notification: domain, domainRepository: domain };
  unreachable = await startTestApp({}, { features: [optimisationFeature], platform, key: detached.key });
});
afterAll(async () => {
  await Promise.all([detached?.close(), unreachable?.close()]);
});

const optimize = (t: TestApp, campaignId: string, headers: Record<string, string>, payload: object) =>
  t.app.inject({ method: 'POST', url: `/api/v1/campaign-executions/${campaignId}/optimize`, headers, payload });

async function withGoal(tenantId: string, campaignId: string) {
  const event = createEvent({
    type: 'campaign.optimized',
    tenantId,
    aggregateId: campaignId,
    aggregateVersion: 2,
    actor: { type: 'service', id: 'ai-agents' },
    data: { optimizationGoal: 'maximize_reach', analysisId: null, changes: [], expectedImprovementPercent: null },
  });
  await withTransaction(detached.pool, (client) => applyCampaignEvent(client, event), { tenantId });
}

describe('switching AI optimisation on', () => {
  it('refuses a viewer, unknown fields and goals outside the catalogue before anything else', async () => {
    const caller = await tenantCaller(detached.key);
    const campaignId = await givenCampaign(detached, caller.tenantId, BUDGET);
    const viewer = await tenantCaller(detached.key, ['viewer'], caller.tenantId);
    expect((await optimize(detached, campaignId, viewer.headers, { goal: 'minimize_cpa' })).statusCode).toBe(403);
    for (const body of [{ goal: 'maximize_likes' }, { goal: 'minimize_cpa', apply: 'auto' }]) {
      const res = await optimize(detached, campaignId, caller.headers, body);
      expect([res.statusCode, res.json().error]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('answers 422 when the service has no client to command domain-repository with', async () => {
    const caller = await tenantCaller(detached.key);
    const campaignId = await givenCampaign(detached, caller.tenantId, BUDGET);
    const res = await optimize(detached, campaignId, caller.headers, { goal: 'minimize_cpa' });
    expect(res.statusCode).toBe(422);
    expect(res.json().details).toMatchObject({ rule: 'campaign.optimize.platform_client' });
  });

  it("needs a goal or the campaign's; an unknown or another tenant's campaign is 404; an outage 503", async () => {
    const caller = await tenantCaller(detached.key);
    const campaignId = await givenCampaign(detached, caller.tenantId, BUDGET);
    const noGoal = await optimize(unreachable, campaignId, caller.headers, {});
    expect([noGoal.statusCode, noGoal.json().details.rule]).toEqual([422, 'campaign.optimize.goal_required']);
    const other = await tenantCaller(detached.key);
    const hidden = await optimize(unreachable, campaignId, other.headers, { goal: 'minimize_cpa' });
    expect([hidden.statusCode, hidden.json().error]).toEqual([404, 'NOT_FOUND']);
    const down = await optimize(unreachable, campaignId, caller.headers, { goal: 'minimize_cpa' });
    expect([down.statusCode, down.json().error]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    await withGoal(caller.tenantId, campaignId);
    const itsGoal = await optimize(unreachable, campaignId, caller.headers, {});
    expect(itsGoal.statusCode).toBe(503);
  });
});
