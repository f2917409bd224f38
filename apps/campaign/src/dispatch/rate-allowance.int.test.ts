import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import type { Plan } from '../plans/plan-schema.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { rateAllowance } from './claim-batch.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [] });
});
afterAll(async () => t?.close());

describe("a campaign's send rate", () => {
  it('allows what is left of the rate after the sends reserved in the last minute, and anything without a rate', async () => {
    const tenantId = randomUUID();
    const campaignId = randomUUID();
    const now = new Date('2026-12-07T12:00:00Z');
    const plan = { campaignId, sendRatePerMinute: 5 } as Plan;
    const allowance = await withTransaction(
      t.pool,
      async (client) => {
        // Three within the minute, one just outside it, one of another campaign.
        for (const [campaign, secondsAgo] of [
          [campaignId, 5],
          [campaignId, 30],
          [campaignId, 59],
          [campaignId, 61],
          [randomUUID(), 10],
        ] as const)
          await client.query(
            `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, marketing, state, reserved_at)
             VALUES ($1, $2, 'promo', $3, 'email', 'promo', true, 'reserved', $4)`,
            [tenantId, campaign, randomUUID(), new Date(now.getTime() - secondsAgo * 1000)],
          );
        return [
          await rateAllowance(client, tenantId, plan, now),
          await rateAllowance(client, tenantId, { ...plan, sendRatePerMinute: 2 }, now),
          await rateAllowance(client, tenantId, { ...plan, sendRatePerMinute: null }, now),
        ];
      },
      { tenantId },
    );
    expect(allowance).toEqual([2, 0, Number.POSITIVE_INFINITY]);
  });
});
