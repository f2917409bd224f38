import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createEvent, eventCatalogue, type DomainEvent } from '@bizosaas/event-schemas';
import { publishAll } from '../funnels/test-events.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };
type EventType = keyof typeof eventCatalogue;
const event = (tenantId: string, type: EventType, aggregateId: string, aggregateVersion: number, data: unknown) =>
  createEvent({ type, tenantId, aggregateId, aggregateVersion, actor, data: data as never }) as DomainEvent;

const churn = (tenantId: string, customerId: string, version: number, from: number, to: number) =>
  event(tenantId, 'customer.churn_risk_updated', customerId, version, {
    previousChurnRisk: from,
    newChurnRisk: to,
    factors: { recency: to, frequency: to, value: to },
    assessedAt: new Date().toISOString(),
  });
const adMetrics = (tenantId: string, campaigns: { externalCampaignId: string; spend: string }[]) =>
  event(tenantId, 'integration.ad_metrics_synced', randomUUID(), 1, {
    connectionId: randomUUID(),
    runId: randomUUID(),
    model: 'campaign_metrics',
    provider: 'google_ads',
    date: new Date().toISOString().slice(0, 10),
    currency: 'USD',
    campaigns: campaigns.map((c) => ({ ...c, name: null, clicks: 10, impressions: 100, conversions: '1' })),
  });

// The KPIs made of current states (churn risk, campaign status) and of replaced facts (a re-synced
// day of ads spend), with the ratios built on them, now and as of the same position.
describe('state and spend KPIs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('counts customers at risk and active campaigns by their latest event, spend by the latest sync of a day, and CPA and ROAS from them', async () => {
    const caller = await tenantCaller(t.key);
    const [atRisk, recovered, live, paused, lead] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const tenant = caller.tenantId;
    const firstSync = adMetrics(tenant, [
      { externalCampaignId: '1', spend: '100.00' },
      { externalCampaignId: '2', spend: '50.00' },
    ]);
    const resync = adMetrics(tenant, [{ externalCampaignId: '1', spend: '120.00' }]);
    const events: DomainEvent[] = [
      churn(tenant, atRisk, 1, 40, 80),
      churn(tenant, recovered, 1, 10, 75),
      churn(tenant, recovered, 2, 75, 30),
      event(tenant, 'campaign.launched', live, 2, { channels: ['email'], scheduledEndDate: null }),
      event(tenant, 'campaign.launched', paused, 2, { channels: ['email'], scheduledEndDate: null }),
      event(tenant, 'campaign.paused', paused, 3, { reason: 'Creative under review' }),
      event(tenant, 'lead.converted', lead, 3, {
        customerId: randomUUID(),
        conversionValue: '300.00',
        currency: 'USD',
      }),
      firstSync,
    ];
    await publishAll(t, events);
    const kpis = async () => (await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers })).json();
    await eventually(kpis, (body) => expect(body.kpis?.spend).toEqual([{ amount: '150.00', currency: 'USD' }]));
    // The same day synced again: its campaign '1' figure replaces the first one.
    await publishAll(t, [resync]);

    const live$ = await eventually(kpis, (body) =>
      expect(body.kpis?.spend).toEqual([{ amount: '170.00', currency: 'USD' }]),
    );
    expect(live$.kpis).toMatchObject({
      customersAtRisk: 1,
      campaignsActive: 1,
      leadsConverted: 1,
      revenue: [{ amount: '300.00', currency: 'USD' }],
      costPerAcquisition: [{ amount: '170.00', currency: 'USD' }],
      returnOnAdSpend: [{ ratio: '1.7647', currency: 'USD' }],
    });
    const asOf = await t.app.inject({
      url: `/api/v1/analytics/kpis?asOfPosition=${live$.asOfPosition}`,
      headers: caller.headers,
    });
    expect(asOf.json().kpis).toEqual(live$.kpis);

    const lineage = async (metric: string) =>
      (await t.app.inject({ url: `/api/v1/analytics/lineage?metric=${metric}`, headers: caller.headers }))
        .json()
        .events.map((e: { eventId: string }) => e.eventId)
        .sort();
    expect(await lineage('customersAtRisk')).toEqual([events[0]?.id]);
    expect(await lineage('campaignsActive')).toEqual([events[3]?.id]);
    expect(await lineage('spend')).toEqual([firstSync.id, resync.id].sort());
  });
});
