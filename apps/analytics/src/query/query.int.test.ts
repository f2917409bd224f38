import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { queryFeature } from './query.routes.ts';
import { leadConverted, leadCreated, postQuery, publishAll, queryOnceProjected } from './query-test-events.ts';

const day = { from: '2026-12-01', to: '2026-12-01' };
const at = (time: string) => new Date(`2026-12-01T${time}:00Z`);
type Row = { bucket: string | null; dimensions: Record<string, string | null>; metrics: Record<string, unknown> };

describe('POST /query', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [queryFeature] });
  });
  afterAll(async () => t?.close());

  it('groups by dimensions and filters; subjects are distinct; revenue sums are exact decimals; another tenant never counts', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const [c1, c2] = [randomUUID(), randomUUID()];
    const [l1, l2, l3, l4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const tenant = caller.tenantId;
    await publishAll(t, [
      leadCreated(tenant, at('09:00'), { leadId: l1, campaignId: c1 }),
      leadConverted(tenant, l1, at('09:30'), '0.10', 'USD'),
      leadCreated(tenant, at('10:00'), { leadId: l2, campaignId: c1, source: 'paid_ads' }),
      leadConverted(tenant, l2, at('10:30'), '0.20', 'USD'),
      leadCreated(tenant, at('11:00'), { leadId: l3, source: 'referral' }),
      leadConverted(tenant, l3, at('11:30'), '123456789012345.67', 'EUR'),
      leadCreated(tenant, at('12:00'), { leadId: l4, campaignId: c2 }),
      leadConverted(tenant, l4, at('12:30'), '0.01', 'EUR'),
      ...[1, 2, 3].map(() => leadCreated(other.tenantId, at('09:00'), { campaignId: c1 })),
      leadConverted(other.tenantId, l1, at('09:30'), '7.00', 'USD'),
    ]);
    const metrics = ['leadsCreated', 'revenue', 'events', 'subjects'];
    const total = await queryOnceProjected(t, caller, 8, { metrics, dateRange: day });
    expect(total.results).toEqual([
      {
        bucket: null,
        dimensions: {},
        metrics: {
          leadsCreated: 4,
          // Beyond a float's 15-17 digits: only decimal arithmetic gives .68.
          revenue: [
            { amount: '123456789012345.68', currency: 'EUR' },
            { amount: '0.30', currency: 'USD' },
          ],
          events: 8,
          subjects: 4,
        },
      },
    ]);

    const byCampaign = await postQuery(t, caller, { metrics, dimensions: ['campaignId'], dateRange: day });
    const usd = (amount: string) => [{ amount, currency: 'USD' }];
    const eur = (amount: string) => [{ amount, currency: 'EUR' }];
    expect(byCampaign.json().results).toEqual([
      ...[
        { campaignId: c1, leadsCreated: 2, revenue: usd('0.30'), events: 4, subjects: 2 },
        { campaignId: c2, leadsCreated: 1, revenue: eur('0.01'), events: 2, subjects: 1 },
      ]
        .sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1))
        .map(({ campaignId, ...m }) => ({ bucket: null, dimensions: { campaignId }, metrics: m })),
      {
        bucket: null,
        dimensions: { campaignId: null },
        metrics: { leadsCreated: 1, revenue: eur('123456789012345.67'), events: 2, subjects: 1 },
      },
    ]);

    // The conversion counts toward the source of its lead's first touch.
    const filtered = async (filters: unknown[]) =>
      (await postQuery(t, caller, { metrics, filters, dateRange: day })).json().results[0].metrics;
    expect(await filtered([{ dimension: 'source', op: 'eq', value: 'website_form' }])).toEqual({
      leadsCreated: 2,
      revenue: [...eur('0.01'), ...usd('0.10')],
      events: 4,
      subjects: 2,
    });
    expect(
      await filtered([
        { dimension: 'campaignId', op: 'in', value: [c1, c2.toUpperCase()] },
        { dimension: 'source', op: 'neq', value: 'paid_ads' },
      ]),
    ).toMatchObject({ leadsCreated: 2, revenue: [...eur('0.01'), ...usd('0.10')], subjects: 2 });
    expect(await filtered([{ dimension: 'eventType', op: 'eq', value: 'lead.converted' }])).toMatchObject({
      leadsCreated: 0,
      events: 4,
      subjects: 4,
    });

    const others = await postQuery(t, other, { metrics, dateRange: day });
    expect(others.json().results[0].metrics).toEqual({
      leadsCreated: 3,
      revenue: usd('7.00'),
      events: 4,
      subjects: 4,
    });
  });

  it('fills every bucket for every combination that has data, and the as-of path answers the same', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [
      leadCreated(caller.tenantId, at('09:05'), { source: 'referral' }),
      leadCreated(caller.tenantId, at('11:59'), { source: 'paid_ads' }),
      leadCreated(caller.tenantId, at('11:10'), { source: 'referral' }),
    ]);
    const body = {
      metrics: ['leadsCreated', 'subjects'],
      dimensions: ['source'],
      interval: 'hour',
      dateRange: { from: '2026-12-01T09:00:00+00:00', to: '2026-12-01T12:00:00+00:00' },
    };
    const answer = await queryOnceProjected(t, caller, 3, body);
    const cells = answer.results.map((r: Row) => [r.bucket, r.dimensions.source, r.metrics.leadsCreated]);
    expect(cells).toEqual([
      ['2026-12-01T09:00:00+00:00', 'paid_ads', 0],
      ['2026-12-01T09:00:00+00:00', 'referral', 1],
      ['2026-12-01T10:00:00+00:00', 'paid_ads', 0],
      ['2026-12-01T10:00:00+00:00', 'referral', 0],
      ['2026-12-01T11:00:00+00:00', 'paid_ads', 1],
      ['2026-12-01T11:00:00+00:00', 'referral', 1],
    ]);
    expect(answer.results.map((r: Row) => r.metrics.subjects)).toEqual([0, 1, 0, 0, 1, 1]);
    const asOf = await postQuery(t, caller, { ...body, asOfPosition: answer.asOfPosition });
    expect(asOf.json()).toEqual(answer);
  });

  it('answers the older figure as of an earlier position after more events came; a position not reached is refused', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [leadCreated(caller.tenantId, at('09:00')), leadCreated(caller.tenantId, at('10:00'))]);
    const body = { metrics: ['events', 'leadsCreated', 'subjects'], interval: 'day', dateRange: day };
    const before = await queryOnceProjected(t, caller, 2, body);
    await publishAll(t, [leadCreated(caller.tenantId, at('09:30')), leadCreated(caller.tenantId, at('23:59'))]);
    const after = await queryOnceProjected(t, caller, 4, body);
    expect(after.results[0].metrics).toEqual({ events: 4, leadsCreated: 4, subjects: 4 });
    expect(after.asOfPosition).not.toBe(before.asOfPosition);

    const audit = await postQuery(t, caller, { ...body, asOfPosition: before.asOfPosition });
    expect(audit.statusCode).toBe(200);
    expect(audit.json()).toEqual(before);
    expect(before.results).toEqual([
      { bucket: '2026-12-01T00:00:00+00:00', dimensions: {}, metrics: { events: 2, leadsCreated: 2, subjects: 2 } },
    ]);

    const ahead = await postQuery(t, caller, { ...body, asOfPosition: '999999999:999999999' });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.json().details.issues).toEqual([expect.objectContaining({ path: 'asOfPosition', location: 'body' })]);
  });

  it('refuses unknown fields, metrics, dimensions and bad ranges by name, and reads nothing', async () => {
    const caller = await tenantCaller(t.key);
    const refused = async (body: unknown) => {
      const response = await postQuery(t, caller, body);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toBe('VALIDATION_ERROR');
      return response
        .json()
        .details.issues.map((issue: { path: string }) => issue.path)
        .sort();
    };
    // Requests take connections of the app role's pool; a refused one takes none.
    let connections = 0;
    const count = () => (connections += 1);
    t.pool.on('acquire', count);
    expect(
      await refused({
        metrics: ['events', 'bogus', 'qualificationRate'],
        dimensions: ['colour'],
        dateRange: day,
        extra: true,
      }),
    ).toEqual(['dimensions.0', 'extra', 'metrics.1', 'metrics.2']);
    expect(await refused({ metrics: ['events'], dateRange: { from: '2026-12-01', till: 'x' } })).toEqual([
      'dateRange.till',
    ]);
    expect(await refused({ metrics: ['events'], dateRange: { from: 'yesterday', to: day.to } })).toEqual([
      'dateRange.from',
    ]);
    expect(await refused({ metrics: ['events'], dateRange: day, timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    expect(
      await refused({ metrics: ['events'], interval: 'minute', dateRange: { from: '2026-01-01', to: '2026-12-01' } }),
    ).toEqual(['interval']);
    t.pool.off('acquire', count);
    expect(connections).toBe(0);
  });

  it('is described in the OpenAPI document that generated clients read, with no lint problem', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    const operation = document.paths['/api/v1/analytics/query'].post;
    expect(operation.operationId).toBe('queryAnalytics');
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(await openApiProblems(document)).toEqual([]);
  });
});
