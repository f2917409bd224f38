import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { startGoogleAdsServer, type GoogleAdsServer } from '../../testing/google-ads-server.ts';
import { providerCall } from '../provider-call.ts';
import { addDays, googleAdsMetrics, metricsDay } from './google-ads-metrics.ts';

const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
let ads: GoogleAdsServer;
beforeAll(async () => {
  ads = await startGoogleAdsServer({ customerId: '1234567890', currency: 'EUR' });
});
afterAll(async () => {
  await ads.close();
  await http.close();
});

const source = (developerToken = ads.developerToken) =>
  googleAdsMetrics(
    providerCall({ http, name: 'Google Ads', secrets: [], signal: new AbortController().signal }),
    ads.baseUrl,
    { authorization: `Bearer ${ads.accessToken}` },
    { customerId: ads.customerId, developerToken, windowDays: 7, restatementDays: 2 },
  );

describe('Google Ads daily metrics', () => {
  it('pages one date at a time through the pass, with exact spend from micros', async () => {
    ads.setDay('2026-03-01', [
      {
        campaignId: '111',
        name: 'Spring',
        costMicros: '123450000',
        clicks: 300,
        impressions: 12000,
        conversions: 12.5,
      },
      { campaignId: '222', name: 'Brand', costMicros: '0', clicks: 0, impressions: 40, conversions: 0 },
    ]);
    const first = await source().fetch('2026-03-01', '2026-03-02');
    expect(first.next).toBe('2026-03-02');
    expect(first.adMetrics).toEqual({
      date: '2026-03-01',
      currency: 'EUR',
      campaigns: [
        {
          externalCampaignId: '111',
          name: 'Spring',
          spend: '123.45',
          clicks: 300,
          impressions: 12000,
          conversions: '12.5',
        },
        { externalCampaignId: '222', name: 'Brand', spend: '0.00', clicks: 0, impressions: 40, conversions: '0' },
      ],
    });
    expect(first.records.map((r) => r.externalId)).toEqual(['111:2026-03-01', '222:2026-03-01']);
    expect(first.requestId).toMatch(/^[0-9a-f]{22}$/);
    const last = await source().fetch('2026-03-02', '2026-03-02');
    expect(last).toMatchObject({ next: null, records: [] });
    expect(last.adMetrics).toBeUndefined();
    expect(ads.requests.slice(-2)).toEqual([
      { customerId: '1234567890', date: '2026-03-01', loginCustomerId: '1234567890', status: 200 },
      { customerId: '1234567890', date: '2026-03-02', loginCustomerId: '1234567890', status: 200 },
    ]);
  });

  it('fails on a developer token Google does not know', async () => {
    await expect(source('wrong').fetch('2026-03-01', '2026-03-01')).rejects.toThrow(/DEVELOPER_TOKEN_INVALID/);
  });

  it('covers the window on a first or full pass, and the days since the last pass (some again) incrementally', () => {
    expect(source().bounds('full', '2026-03-05', '2026-03-10')).toEqual({
      position: '2026-03-04',
      until: '2026-03-10',
    });
    expect(source().bounds('incremental', null, '2026-03-10')).toEqual({ position: '2026-03-04', until: '2026-03-10' });
    expect(source().bounds('incremental', '2026-03-09', '2026-03-10')).toEqual({
      position: '2026-03-07',
      until: '2026-03-10',
    });
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('sums the rows of one campaign exactly and keeps the catalogue limits', () => {
    const row = (costMicros: string) => ({
      customer: { currencyCode: 'USD' },
      campaign: { id: '9', name: 'X' },
      metrics: { costMicros, clicks: '1', impressions: '2', conversions: 0.1 },
      segments: { date: '2026-03-01' },
    });
    expect(metricsDay('2026-03-01', [row('100000'), row('200000')])!.campaigns).toEqual([
      { externalCampaignId: '9', name: 'X', spend: '0.30', clicks: 2, impressions: 4, conversions: '0.2' },
    ]);
    expect(metricsDay('2026-03-01', [])).toBeNull();
  });
});
