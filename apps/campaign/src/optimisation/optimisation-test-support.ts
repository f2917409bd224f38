// Test-only: the campaign service with the campaigns read model and this feature, a campaign with
// activity on both sides of a change, and the chains as the list route answers them.
import { withTransaction } from '@bizosaas/db';
import { campaignsFeature } from '../campaigns/campaigns-feature.ts';
import { givenCampaign } from '../spend/spend-test-support.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { givenRecipients, givenSpend } from './campaign-activity.ts';
import { optimisationFeature } from './optimisation-feature.ts';

export const BUDGET = { totalBudget: '1000.00', dailyBudget: null };
export const BEFORE = '2026-12-07T09:00:00.000Z';
export const CHANGE = '2026-12-07T12:00:00.000Z';
export const AFTER = '2026-12-07T15:00:00.000Z';

export const startOptimisationApp = () => startTestApp({}, { features: [campaignsFeature, optimisationFeature] });

const when = (i: number, before: number, after: number) => (i < before ? BEFORE : i < after ? AFTER : undefined);

/**
 * A campaign changed at CHANGE: 10 sent before it (4 opened, 2 clicked, 1 converted, 100.00
 * spent); after it 3 more opens, 2 more clicks, 2 more conversions, 50.00 more spend, and 2 more
 * recipients whose sends were not accepted yet.
 */
export async function campaignWithActivity(t: TestApp) {
  const caller = await tenantCaller(t.key);
  const campaignId = await givenCampaign(t, caller.tenantId, BUDGET);
  const recipients = Array.from({ length: 10 }, (_, i) => ({
    enrolledAt: BEFORE,
    sentAt: BEFORE,
    openedAt: when(i, 4, 7),
    clickedAt: when(i, 2, 4),
    convertedAt: when(i, 1, 3),
  }));
  const waiting = { enrolledAt: AFTER, sentAt: null };
  await givenRecipients(t, caller.tenantId, campaignId, [...recipients, waiting, waiting]);
  await givenSpend(t, caller.tenantId, campaignId, '100.00', BEFORE);
  await givenSpend(t, caller.tenantId, campaignId, '50.00', AFTER);
  return { caller, campaignId };
}

export const listChains = (t: TestApp, campaignId: string, headers: Record<string, string>, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions/${campaignId}/optimizations${query}`, headers });

export async function chainsOf(t: TestApp, campaignId: string, headers: Record<string, string>) {
  const res = await listChains(t, campaignId, headers);
  expect(res.statusCode).toBe(200);
  return res.json().optimizations;
}

/** The tenant's recorded chains, whatever campaign. */
export async function chainRows(t: TestApp, tenantId: string): Promise<number> {
  return withTransaction(
    t.pool,
    async (client) => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM optimisations')).rows[0]!.n,
    { tenantId },
  );
}
