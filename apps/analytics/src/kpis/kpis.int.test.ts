import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createEvent, type DomainEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };
const contact = {
  email: 'jane@example.com',
  firstName: 'Jane',
  lastName: null,
  phone: null,
  company: null,
  jobTitle: null,
};

/** Events of one lead's life in a tenant, with times given. */
function leadEvents(
  tenantId: string,
  at: (minute: number) => Date,
  campaignId: string | null,
  upTo: 'created' | 'qualified' | 'converted',
) {
  const leadId = randomUUID();
  const events: DomainEvent[] = [];
  const add = (type: string, minute: number, data: unknown, version: number) =>
    events.push(
      createEvent(
        {
          type: type as 'lead.created',
          tenantId,
          aggregateId: leadId,
          aggregateVersion: version,
          actor,
          data: data as never,
        },
        { now: () => at(minute) },
      ),
    );
  add('lead.created', 0, { contact, source: 'website_form', utmParameters: {}, campaignId }, 1);
  if (upTo !== 'created')
    add(
      'lead.qualified',
      1,
      {
        score: { totalScore: 80, behavioralScore: null, demographicScore: null, firmographicScore: null },
        method: 'manual',
        analysisId: null,
        notes: null,
      },
      2,
    );
  if (upTo === 'converted')
    add('lead.converted', 2, { customerId: randomUUID(), conversionValue: '1250.50', currency: 'USD' }, 3);
  return events;
}

describe('KPIs and lineage from published events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('counts 3 created, 2 qualified, 1 converted with decimal revenue; lineage lists exactly the events; another tenant sees zeros', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const campaignId = randomUUID();
    const base = Date.parse('2026-12-01T10:00:00Z');
    const at = (minute: number) => new Date(base + minute * 60_000);
    const events = [
      ...leadEvents(caller.tenantId, at, campaignId, 'converted'),
      ...leadEvents(caller.tenantId, at, null, 'qualified'),
      ...leadEvents(caller.tenantId, at, null, 'created'),
    ];
    const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
    for (const event of events) await publisher.publish(event);
    // A redelivery of an event is not counted twice.
    await publisher.publish(events[0] as DomainEvent);

    const kpis = await eventually(
      async () => (await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers })).json(),
      (body) => expect(body.kpis?.leadsConverted, JSON.stringify(body)).toBe(1),
    );
    expect(kpis.kpis).toMatchObject({
      leadsCreated: 3,
      leadsQualified: 2,
      leadsConverted: 1,
      qualificationRate: '0.6667',
      conversionRate: '0.3333',
      revenue: [{ amount: '1250.50', currency: 'USD' }],
    });
    expect(kpis.asOfPosition).toMatch(/^\d+:\d+$/);

    const perCampaign = await t.app.inject({
      url: `/api/v1/analytics/kpis?campaignId=${campaignId}`,
      headers: caller.headers,
    });
    expect(perCampaign.json().kpis).toMatchObject({ leadsCreated: 1, leadsQualified: 1, leadsConverted: 1 });

    const lineage = await t.app.inject({
      url: '/api/v1/analytics/lineage?metric=leadsCreated',
      headers: caller.headers,
    });
    expect(lineage.statusCode).toBe(200);
    const created = events.filter((e) => e.type === 'lead.created').map((e) => e.id);
    expect(
      lineage
        .json()
        .events.map((e: { eventId: string }) => e.eventId)
        .sort(),
    ).toEqual(created.sort());

    const zeros = await t.app.inject({ url: '/api/v1/analytics/kpis', headers: other.headers });
    expect(zeros.json().kpis).toMatchObject({
      leadsCreated: 0,
      leadsQualified: 0,
      leadsConverted: 0,
      revenue: [],
      conversionRate: null,
    });
    const otherLineage = await t.app.inject({
      url: '/api/v1/analytics/lineage?metric=leadsCreated',
      headers: other.headers,
    });
    expect(otherLineage.json().events).toEqual([]);
  });
});
