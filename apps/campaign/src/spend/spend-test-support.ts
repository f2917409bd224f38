import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import { createEvent, uuidv7 } from '@bizosaas/event-schemas';
import { applyCampaignEvent } from '../campaigns/campaign-read-model.ts';
import { campaignsFeature } from '../campaigns/campaigns-feature.ts';
import { startTestApp, tenantCaller, type TestApp, type TestAppOptions } from '../test-support.ts';
import { spendFeature } from './spend-feature.ts';

/** A clock the test moves: "today" and the month of pacing. */
export function testClock(start: string) {
  let now = new Date(start);
  return { now: () => now, set: (at: string) => (now = new Date(at)) };
}

/** The campaign service with the campaigns read model and the spend feature only. */
export function startSpendApp(now: () => Date, options: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({}, { now, features: [campaignsFeature, spendFeature], ...options });
}

export interface TestBudget {
  totalBudget: string;
  dailyBudget: string | null;
  currency?: string;
  startDate?: string;
  endDate?: string | null;
}

/** A campaign as domain-repository's campaign.created makes it, through the read model's own projection. */
export async function givenCampaign(t: TestApp, tenantId: string, budget: TestBudget): Promise<string> {
  const campaignId = uuidv7();
  const event = createEvent({
    type: 'campaign.created',
    tenantId,
    actor: { type: 'user', id: randomUUID() },
    aggregateId: campaignId,
    data: {
      name: 'Winter sale',
      campaignType: 'email',
      objective: 'sales',
      channels: ['email'],
      budget: { totalBudget: budget.totalBudget, dailyBudget: budget.dailyBudget, currency: budget.currency ?? 'USD' },
      schedule: {
        startDate: budget.startDate ?? '2026-12-01T00:00:00.000Z',
        endDate: budget.endDate === undefined ? '2027-03-31T00:00:00.000Z' : budget.endDate,
      },
    },
  });
  await withTransaction(t.pool, (client) => applyCampaignEvent(client, event), { tenantId });
  return campaignId;
}

/** A signed-in caller of a fresh tenant, with one campaign of the given budget. */
export async function callerWithCampaign(t: TestApp, budget: TestBudget, roles?: string[]) {
  const caller = await tenantCaller(t.key, roles);
  return { caller, campaignId: await givenCampaign(t, caller.tenantId, budget) };
}
