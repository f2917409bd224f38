import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestToken, testClaims } from '@bizosaas/auth/testing';
import { tenantCaller, type TestApp } from '../test-support.ts';
import { callerWithCampaign, startSpendApp, testClock } from './spend-test-support.ts';

// Caps: 200.00 a day, 3,040.00 a month, 1,000.00 in all.
const BUDGET = { totalBudget: '1000.00', dailyBudget: '100.00' };
const clock = testClock('2026-12-10T12:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startSpendApp(clock.now);
});
afterAll(async () => {
  await t?.close();
});

type Caller = Awaited<ReturnType<typeof tenantCaller>>;

const pacing = (caller: Caller, campaignId: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions/${campaignId}/pacing`, headers: caller.headers });
async function spend(caller: Caller, campaignId: string, amount: string, date: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/campaign-executions/${campaignId}/spend`,
    headers: caller.headers,
    payload: { amount, currency: 'USD', date },
  });
  expect(res.statusCode, res.body).toBe(201);
}

describe('GET /campaign-executions/:campaignId/pacing', () => {
  it("shows today's, this month's and the total spend against their caps, and the actions taken", async () => {
    clock.set('2026-12-10T12:00:00.000Z');
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await spend(caller, campaignId, '150.00', '2026-12-10');
    await spend(caller, campaignId, '100.00', '2026-12-02');
    const viewerToken = await signTestToken(t.key, testClaims({ roles: ['viewer'], tenant_id: caller.tenantId }));
    const viewer = { ...caller, headers: { authorization: `Bearer ${viewerToken}` } };
    const res = await pacing(viewer, campaignId);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      campaignId,
      currency: 'USD',
      budget: { totalBudget: '1000.00', dailyBudget: '100.00', averageDailyBudget: '100.00' },
      caps: {
        daily: { period: '2026-12-10', cap: '200.00', spent: '150.00', remaining: '50.00' },
        monthly: { period: '2026-12', cap: '3040.00', spent: '250.00', remaining: '2790.00' },
        total: { period: 'total', cap: '1000.00', spent: '250.00', remaining: '750.00' },
      },
      entries: 2,
      status: 'on_track',
      lastActions: [],
    });

    await spend(caller, campaignId, '50.00', '2026-12-10');
    const capped = (await pacing(caller, campaignId)).json();
    expect(capped.status).toBe('daily_cap_reached');
    expect(capped.lastActions).toEqual([
      expect.objectContaining({
        limit: 'daily',
        period: '2026-12-10',
        action: 'pause',
        status: 'pending',
        attempts: 0,
      }),
    ]);

    clock.set('2026-12-11T08:00:00.000Z');
    expect((await pacing(caller, campaignId)).json()).toMatchObject({
      status: 'on_track',
      caps: { daily: { period: '2026-12-11', spent: '0.00', remaining: '200.00' } },
    });
    for (const day of ['2026-12-03', '2026-12-04', '2026-12-05']) await spend(caller, campaignId, '200.00', day);
    await spend(caller, campaignId, '100.00', '2026-12-06');
    const exhausted = (await pacing(caller, campaignId)).json();
    expect(exhausted).toMatchObject({
      status: 'budget_exhausted',
      caps: { total: { spent: '1000.00', remaining: '0.00' } },
    });
    expect(exhausted.lastActions[0]).toMatchObject({ limit: 'total', action: 'complete' });
  });

  it("answers 404 for another tenant's campaign", async () => {
    const { campaignId } = await callerWithCampaign(t, BUDGET);
    expect((await pacing(await tenantCaller(t.key), campaignId)).statusCode).toBe(404);
  });
});
