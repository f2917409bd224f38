import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishAll } from '../contacts/contact-test-events.ts';
import { givenCampaign } from '../spend/spend-test-support.ts';
import { eventually, tenantCaller, type TestApp } from '../test-support.ts';
import { chainEvents } from './optimisation-test-events.ts';
import {
  BUDGET,
  campaignWithActivity,
  chainRows,
  chainsOf,
  listChains,
  startOptimisationApp,
} from './optimisation-test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startOptimisationApp();
});
afterAll(async () => {
  await t?.close();
});

describe('reading chains', () => {
  it("another tenant's campaign answers 404 like a missing one; a campaign without chains an empty list", async () => {
    const { caller, campaignId } = await campaignWithActivity(t);
    const chain = chainEvents(caller.tenantId, campaignId, '2026-12-07T11:58:00.000Z');
    await publishAll(t, [chain.requested]);
    await eventually(
      async () => chainsOf(t, campaignId, caller.headers),
      (chains) => expect(chains).toHaveLength(1),
    );
    const other = await tenantCaller(t.key);
    const missing = await listChains(t, campaignId, other.headers);
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'NOT_FOUND']);
    const own = await givenCampaign(t, other.tenantId, BUDGET);
    expect((await listChains(t, own, other.headers)).json()).toEqual({ campaignId: own, optimizations: [] });
    expect(await chainRows(t, other.tenantId)).toBe(0);
  });

  it('refuses unknown query parameters, a bad status or limit, and a caller without campaigns:read', async () => {
    const { caller, campaignId } = await campaignWithActivity(t);
    for (const query of ['?since=2026-12-01', '?status=done', '?limit=0']) {
      const res = await listChains(t, campaignId, caller.headers, query);
      expect([query, res.statusCode, res.json().error]).toEqual([query, 400, 'VALIDATION_ERROR']);
    }
    const noRole = await tenantCaller(t.key, [], caller.tenantId);
    expect((await listChains(t, campaignId, noRole.headers)).statusCode).toBe(403);
  });
});
