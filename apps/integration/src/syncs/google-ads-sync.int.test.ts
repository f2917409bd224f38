import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleAdsServer, type GoogleAdsServer } from '../testing/google-ads-server.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { createSyncsFeature } from './syncs-feature.ts';
import { createSync, oauthConnection, runsOf, startRunOf, syncEvents } from './testing/sync-fixtures.ts';

let t: TestApp;
let ads: GoogleAdsServer;
let syncs: ReturnType<typeof createSyncsFeature>;
const clock = new Date('2026-03-02T12:00:00.000Z');

beforeAll(async () => {
  ads = await startGoogleAdsServer({ customerId: '1234567890' });
  syncs = createSyncsFeature({
    googleAdsDeveloperToken: ads.developerToken,
    metricsWindowDays: 3,
    metricsRestatementDays: 1,
    scheduler: false,
  });
  t = await startTestApp(
    { PROVIDER_OVERRIDES: JSON.stringify({ google_ads: { baseUrl: ads.baseUrl } }) },
    { features: [syncs.feature], now: () => clock },
  );
});
afterAll(async () => {
  await t?.close();
  await ads?.close();
});

const metricsEvents = async (syncId: string, runId: string) =>
  (await syncEvents(t, syncId)).filter((e) => e.type === 'integration.ad_metrics_synced' && e.correlationId === runId);

describe('a Google Ads campaign metrics sync', () => {
  it('publishes each day with changes once, spend exact from micros, and a later run only the days that changed', async () => {
    const caller = await tenantCaller(t.key);
    const connectionId = await oauthConnection(t, caller.tenantId, 'google_ads', ads.accessToken, '123-456-7890');
    const syncId = await createSync(t, caller, { connectionId, model: 'campaign_metrics', mode: 'full' });
    ads.setDay('2026-02-28', [
      {
        campaignId: '111',
        name: 'Spring',
        costMicros: '123450000',
        clicks: 300,
        impressions: 12000,
        conversions: 12.5,
      },
      { campaignId: '222', name: 'Brand', costMicros: '9007199254740993', clicks: 7, impressions: 90, conversions: 0 },
    ]);
    ads.setDay('2026-03-02', [
      { campaignId: '111', name: 'Spring', costMicros: '10000', clicks: 1, impressions: 10, conversions: 0.333333 },
    ]);
    const first = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(first)).toBe('completed');
    const days = await eventually(
      () => metricsEvents(syncId, first),
      (events) => expect(events).toHaveLength(2),
    );
    expect(days.map((e) => e.data)).toEqual([
      {
        connectionId,
        runId: first,
        model: 'campaign_metrics',
        provider: 'google_ads',
        date: '2026-02-28',
        currency: 'USD',
        campaigns: [
          {
            externalCampaignId: '111',
            name: 'Spring',
            spend: '123.45',
            clicks: 300,
            impressions: 12000,
            conversions: '12.5',
          },
          {
            externalCampaignId: '222',
            name: 'Brand',
            spend: '9007199254.741',
            clicks: 7,
            impressions: 90,
            conversions: '0',
          },
        ],
      },
      {
        connectionId,
        runId: first,
        model: 'campaign_metrics',
        provider: 'google_ads',
        date: '2026-03-02',
        currency: 'USD',
        campaigns: [
          {
            externalCampaignId: '111',
            name: 'Spring',
            spend: '0.01',
            clicks: 1,
            impressions: 10,
            conversions: '0.333333',
          },
        ],
      },
    ]);
    expect(ads.requests.filter((r) => r.status === 200).map((r) => r.date)).toEqual([
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(await runsOf(t, caller, syncId)).toMatchObject([{ status: 'completed', pages: 3, fetched: 3, created: 3 }]);

    // Late conversions on one campaign of March 2nd: that day is published again, whole.
    ads.setDay('2026-03-02', [
      { campaignId: '111', name: 'Spring', costMicros: '10000', clicks: 1, impressions: 10, conversions: 1 },
    ]);
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/integrations/syncs/${syncId}`,
      headers: caller.headers,
      payload: { mode: 'incremental' },
    });
    const second = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(second)).toBe('completed');
    await eventually(
      () => syncEvents(t, syncId),
      (events) =>
        expect(events.some((e) => e.type === 'integration.sync_completed' && e.correlationId === second)).toBe(true),
    );
    const changed = await metricsEvents(syncId, second);
    expect(changed.map((e) => (e.data as { date: string }).date)).toEqual(['2026-03-02']);
    expect((changed[0]!.data as { campaigns: { conversions: string }[] }).campaigns[0]!.conversions).toBe('1');
    // The watermark was March 2nd; one day of restatement before it.
    expect(ads.requests.slice(-2).map((r) => r.date)).toEqual(['2026-03-01', '2026-03-02']);
    expect((await runsOf(t, caller, syncId))[0]).toMatchObject({ pages: 2, fetched: 1, updated: 1, unchanged: 0 });
  });

  it('fails the run, naming the cause, when the connection has no customer id', async () => {
    const caller = await tenantCaller(t.key);
    const connectionId = await oauthConnection(t, caller.tenantId, 'google_ads', ads.accessToken);
    const syncId = await createSync(t, caller, { connectionId, model: 'campaign_metrics', mode: 'full' });
    const runId = await startRunOf(t, caller, syncId);
    expect(await syncs.runner().outcomeOf(runId)).toBe('failed');
    expect((await runsOf(t, caller, syncId))[0]).toMatchObject({
      status: 'failed',
      error: 'BUSINESS_RULE_VIOLATION: The connection names no Google Ads customer id',
    });
    const failed = await eventually(
      () => syncEvents(t, syncId),
      (events) => expect(events.map((e) => e.type)).toEqual(['integration.sync_started', 'integration.sync_failed']),
    );
    expect(failed[1]!.data).toMatchObject({ runId, error: expect.stringContaining('customer id') });
  });
});
