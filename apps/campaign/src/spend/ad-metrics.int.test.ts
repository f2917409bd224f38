import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent, uuidv7, type EventEnvelope } from '@bizosaas/event-schemas';
import { eventStreamKey, toStreamFields } from '@bizosaas/messaging';
import { eventually, type TestApp } from '../test-support.ts';
import { callerWithCampaign, givenCampaign, startSpendApp, testClock } from './spend-test-support.ts';

// Caps: 200.00 a day, 3,040.00 a month, 1,000.00 in all.
const BUDGET = { totalBudget: '1000.00', dailyBudget: '100.00' };
const clock = testClock('2026-12-10T12:00:00.000Z');
let t: TestApp;
let stream: string;
beforeAll(async () => {
  t = await startSpendApp(clock.now);
  stream = eventStreamKey('integration_sync', t.config.EVENT_STREAM_NAMESPACE);
});
afterAll(async () => {
  await t?.close();
});

type Caller = Awaited<ReturnType<typeof callerWithCampaign>>['caller'];

function adMetrics(tenantId: string, date: string, spend: Record<string, string>, currency = 'USD') {
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
      currency,
      campaigns: Object.entries(spend).map(([externalCampaignId, amount]) => ({
        externalCampaignId,
        name: null,
        spend: amount,
        clicks: 10,
        impressions: 100,
        conversions: '1',
      })),
    },
  });
}

/** XADDs the envelope (a second call is a redelivery of the same event) and waits until the group handled it. */
async function deliver(event: EventEnvelope): Promise<void> {
  const entryId = await t.redis.xadd(stream, '*', ...toStreamFields(event));
  const group = `${t.config.CONSUMER_GROUP_PREFIX}.spend`;
  await eventually(
    async () => (await t.redis.xinfo('GROUPS', stream)) as unknown[][],
    (groups) => {
      const found = groups.map((g) => Object.fromEntries(chunks(g))).find((g) => g.name === group);
      expect(found).toMatchObject({ 'last-delivered-id': entryId, pending: 0 });
    },
  );
}
const chunks = (flat: unknown[]) => flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]] as const] : []));

async function link(caller: Caller, campaignId: string, externals: string[]) {
  return t.app.inject({
    method: 'PUT',
    url: `/api/v1/campaign-executions/${campaignId}/ad-campaigns`,
    headers: caller.headers,
    payload: { links: externals.map((externalCampaignId) => ({ provider: 'google_ads', externalCampaignId })) },
  });
}

async function ledger(tenantId: string, campaignId: string) {
  return withTransaction(
    t.pool,
    async (client) => ({
      entries: (
        await client.query<{ external: string; date: string; amount: string }>(
          `SELECT external_campaign_id AS external, to_char(spend_date, 'YYYY-MM-DD') AS date, amount::text AS amount
           FROM spend_entries WHERE campaign_id = $1 ORDER BY spend_date, external_campaign_id`,
          [campaignId],
        )
      ).rows,
      events: (
        await client.query<{ type: string; data: { amount?: string; previousAmount?: string | null } }>(
          'SELECT type, data FROM campaign_event_store.events WHERE stream_id = $1 ORDER BY version',
          [`campaign_budget-${campaignId}`],
        )
      ).rows,
      commands: (
        await client.query<{ limit_kind: string; period_key: string }>(
          'SELECT limit_kind, period_key FROM pacing_commands WHERE campaign_id = $1 ORDER BY limit_kind, period_key',
          [campaignId],
        )
      ).rows,
    }),
    { tenantId },
  );
}

describe('ad campaign links', () => {
  it('replaces and answers the links; an external campaign feeds one campaign only', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    expect((await link(caller, campaignId, ['1', '2'])).statusCode).toBe(200);
    const replaced = await link(caller, campaignId, ['2', '3']);
    expect(
      replaced
        .json()
        .links.map((l: { externalCampaignId: string }) => l.externalCampaignId)
        .sort(),
    ).toEqual(['2', '3']);
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/campaign-executions/${campaignId}/ad-campaigns`,
      headers: caller.headers,
    });
    expect(read.json()).toEqual(replaced.json());
    const other = await givenCampaign(t, caller.tenantId, BUDGET);
    const taken = await link(caller, other, ['3']);
    expect(taken.statusCode).toBe(422);
    expect(taken.json().details).toMatchObject({ rule: 'ad_campaign.linked_once', linkedCampaignId: campaignId });
  });
});

describe('integration.ad_metrics_synced', () => {
  it("records each linked external campaign's day total; a re-sync replaces it, a redelivery changes nothing", async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await link(caller, campaignId, ['1', '2']);
    const first = adMetrics(caller.tenantId, '2026-12-09', { '1': '40.00', '2': '10.00', unlinked: '99.00' });
    await deliver(first);
    await deliver(first);
    await deliver(adMetrics(caller.tenantId, '2026-12-09', { '1': '45.50' }));
    await deliver(adMetrics(caller.tenantId, '2026-12-09', { '1': '45.50' }));
    const { entries, events } = await ledger(caller.tenantId, campaignId);
    expect(entries).toEqual([
      { external: '1', date: '2026-12-09', amount: '45.50' },
      { external: '2', date: '2026-12-09', amount: '10.00' },
    ]);
    expect(events.map((event) => [event.data.amount, event.data.previousAmount])).toEqual([
      ['40.00', null],
      ['10.00', null],
      ['45.50', '40.00'],
    ]);
  });

  it('skips a sync in another currency than the budget', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await link(caller, campaignId, ['1']);
    await deliver(adMetrics(caller.tenantId, '2026-12-09', { '1': '40.00' }, 'EUR'));
    expect((await ledger(caller.tenantId, campaignId)).entries).toEqual([]);
  });

  it('records spend past the caps: pauses for the day, completes at the total, then pauses no more; once each', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await link(caller, campaignId, ['1']);
    const over = adMetrics(caller.tenantId, '2026-12-08', { '1': '250.00' });
    await deliver(over);
    await deliver(over);
    await deliver(adMetrics(caller.tenantId, '2026-12-08', { '1': '260.00' }));
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'])
      await deliver(adMetrics(caller.tenantId, day, { '1': '190.00' }));
    await deliver(adMetrics(caller.tenantId, '2026-12-05', { '1': '300.00' }));
    const { entries, commands } = await ledger(caller.tenantId, campaignId);
    expect(entries.map((entry) => entry.amount)).toEqual(['190.00', '190.00', '190.00', '190.00', '300.00', '260.00']);
    expect(commands).toEqual([
      { limit_kind: 'daily', period_key: '2026-12-08' },
      { limit_kind: 'total', period_key: 'total' },
    ]);
  });
});
