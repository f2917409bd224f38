import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent, uuidv7 } from '@bizosaas/event-schemas';
import { eventStreamKey, toStreamFields } from '@bizosaas/messaging';
import { eventually, type TestApp } from '../test-support.ts';
import { claimCommands, finishCommand } from './pacing-worker.ts';
import { callerWithCampaign, startSpendApp, testClock } from './spend-test-support.ts';

// Only the total caps (no daily budget, no end): 1,000.00.
const BUDGET = { totalBudget: '1000.00', dailyBudget: null, endDate: null };
const clock = testClock('2026-12-10T12:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startSpendApp(clock.now);
});
afterAll(async () => {
  await t?.close();
});

function adMetrics(tenantId: string, date: string, spend: string) {
  return createEvent({
    type: 'integration.ad_metrics_synced',
    tenantId,
    actor: { type: 'service', id: 'integration' },
    aggregateId: uuidv7(),
    data: {
      connectionId: uuidv7(),
      runId: uuidv7(),
      model: 'campaign_metrics',
      provider: 'google_ads',
      date,
      currency: 'USD',
      campaigns: [{ externalCampaignId: 'ext-1', name: null, spend, clicks: 1, impressions: 1, conversions: '0' }],
    },
  });
}

async function pacingRows(tenantId: string, campaignId: string) {
  return withTransaction(
    t.pool,
    async (client) => ({
      commands: (
        await client.query<{ limit_kind: string; action: string }>(
          'SELECT limit_kind, action FROM pacing_commands WHERE campaign_id = $1',
          [campaignId],
        )
      ).rows,
      reached: (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM campaign_event_store.events
           WHERE stream_id = $1 AND type = 'campaign.pacing_limit_reached'`,
          [`campaign_budget-${campaignId}`],
        )
      ).rows[0]!.n,
    }),
    { tenantId },
  );
}

describe('pacing commands', () => {
  it('one completion per campaign under concurrent entries and redelivered syncs', async () => {
    clock.set('2026-12-10T12:00:00.000Z');
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/campaign-executions/${campaignId}/ad-campaigns`,
      headers: caller.headers,
      payload: { links: [{ provider: 'google_ads', externalCampaignId: 'ext-1' }] },
    });
    const stream = eventStreamKey('integration_sync', t.config.EVENT_STREAM_NAMESPACE);
    // The synced days alone pass the total (3 x 350.00), so it is reached whichever way the manual
    // entries interleave with them (an entry that would pass the total is refused).
    const syncs = ['2026-12-01', '2026-12-02', '2026-12-03'].map((day) => adMetrics(caller.tenantId, day, '350.00'));
    const posts = Array.from({ length: 8 }, (_, i) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/campaign-executions/${campaignId}/spend`,
        headers: { ...caller.headers, 'idempotency-key': `entry-${i}` },
        payload: { amount: '100.00', currency: 'USD', date: '2026-12-09' },
      }),
    );
    // Each sync twice: a redelivery racing the entries.
    for (const sync of [...syncs, ...syncs]) await t.redis.xadd(stream, '*', ...toStreamFields(sync));
    const statuses = (await Promise.all(posts)).map((res) => res.statusCode);
    // Manual entries stop at the total (422); none failed for a lost race.
    expect(statuses.every((status) => status === 201 || status === 422)).toBe(true);
    const rows = await eventually(
      () => pacingRows(caller.tenantId, campaignId),
      (seen) => expect(seen.commands).toHaveLength(1),
    );
    await eventually(
      async () => (await t.redis.xpending(stream, `${t.config.CONSUMER_GROUP_PREFIX}.spend`)) as [number],
      (pending) => expect(pending[0]).toBe(0),
    );
    const after = await pacingRows(caller.tenantId, campaignId);
    expect(after).toEqual(rows);
    expect(after.commands).toEqual([{ limit_kind: 'total', action: 'complete' }]);
    expect(after.reached).toBe(1);
  });

  // Claims take every tenant's due rows: this test's clock is years ahead, so a sender on the real
  // clock (another test's process on this database) never takes its row first.
  it('the sender claims a command under a lease, retries it later, and finishes it once', async () => {
    clock.set('2030-01-10T12:00:00.000Z');
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/campaign-executions/${campaignId}/spend`,
      headers: caller.headers,
      payload: { amount: '1000.00', currency: 'USD', date: '2030-01-09' },
    });
    expect(res.json().limitsReached).toHaveLength(1);
    const mine = async (at: string) =>
      (await claimCommands(t.worker, new Date(at), 1000, 60_000)).filter((c) => c.campaignId === campaignId);
    const [claimed] = await mine('2030-01-10T12:00:00.000Z');
    expect(claimed).toMatchObject({ tenantId: caller.tenantId, limit: 'total', action: 'complete', attempts: 1 });
    expect(await mine('2030-01-10T12:00:30.000Z')).toEqual([]);
    await finishCommand(t.worker, claimed!, { status: 'retry', error: 'domain-repository unreachable' }, clock.now());
    expect(await mine('2030-01-10T12:00:00.500Z')).toEqual([]);
    const [again] = await mine('2030-01-10T12:00:01.000Z');
    expect(again?.attempts).toBe(2);
    await finishCommand(t.worker, again!, { status: 'done', error: null }, clock.now());
    expect(await mine('2030-01-11T00:00:00.000Z')).toEqual([]);
    const { rows } = await t.worker.query(
      'SELECT status, attempts, last_error FROM pacing_commands WHERE campaign_id = $1',
      [campaignId],
    );
    expect(rows).toEqual([{ status: 'done', attempts: 2, last_error: null }]);
  });
});
