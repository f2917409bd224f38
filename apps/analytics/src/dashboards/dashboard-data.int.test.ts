import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { dashboardsFeature } from './dashboards-feature.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };
const contact = {
  email: 'jane@example.com',
  firstName: 'Jane',
  lastName: null,
  phone: null,
  company: null,
  jobTitle: null,
};
const leadCreated = (tenantId: string, at: Date) =>
  createEvent(
    {
      type: 'lead.created',
      tenantId,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      actor,
      data: { contact, source: 'website_form', utmParameters: {}, campaignId: null },
    },
    { now: () => at },
  );

// Stand-ins for the tiles other features compute: fixed answers naming their config.
const stand = (kind: string) => async (_client: unknown, _tenant: string, config: Record<string, unknown>) => ({
  kind,
  config,
});

describe('dashboard data', () => {
  let t: TestApp;
  beforeAll(async () => {
    const sources = { query: stand('query'), funnel: stand('funnel'), retention: stand('retention') };
    t = await startTestApp({}, { features: [dashboardsFeature(sources)] });
  });
  afterAll(async () => t?.close());

  const served = async () => {
    const metric = await t.app.metricsRegistry.getSingleMetric('analytics_dashboard_data_total')?.get();
    const of = (source: string) => metric?.values.find((v) => v.labels.source === source)?.value ?? 0;
    return { cache: of('cache'), computed: of('computed') };
  };

  it('computes every tile as of one position, serves it from the cache until a new event moves the checkpoint, and answers as of an earlier position', async () => {
    const caller = await tenantCaller(t.key);
    const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < 2; i++) await publisher.publish(leadCreated(caller.tenantId, hourAgo));
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/dashboards',
      headers: caller.headers,
      payload: {
        name: 'Leads',
        tiles: [
          { title: 'Leads', kind: 'kpis', config: { metrics: ['leadsCreated', 'leadsConverted', 'revenue'] } },
          { title: 'Trend', kind: 'query', config: { metrics: ['leadsCreated'], interval: 'day' } },
          { title: 'Funnel', kind: 'funnel', config: { steps: [{ eventType: 'lead.created' }] } },
        ],
      },
    });
    const url = `/api/v1/analytics/dashboards/${created.json().id}/data`;
    const read = async () => (await t.app.inject({ url, headers: caller.headers })).json();

    const first = await eventually(read, (data) => expect(data.tiles[0].data.kpis.leadsCreated).toBe(2));
    expect(first.tiles).toEqual([
      {
        id: expect.any(String),
        title: 'Leads',
        kind: 'kpis',
        data: { kpis: { leadsCreated: 2, leadsConverted: 0, revenue: [] }, campaignId: null },
      },
      {
        id: expect.any(String),
        title: 'Trend',
        kind: 'query',
        data: { kind: 'query', config: { metrics: ['leadsCreated'], interval: 'day' } },
      },
      { id: expect.any(String), title: 'Funnel', kind: 'funnel', data: expect.objectContaining({ kind: 'funnel' }) },
    ]);
    expect(first.asOfPosition).toMatch(/^\d+:\d+$/);
    expect(first.checksum).toMatch(/^[0-9a-f]{64}$/);

    // Other test files move the shared checkpoint too: a pair of reads with nothing new in between is served from the cache.
    await eventually(
      async () => {
        const before = await served();
        const [a, b] = [await read(), await read()];
        return { a, b, after: await served(), before };
      },
      ({ a, b, before, after }) => {
        expect(b.asOfPosition).toBe(a.asOfPosition);
        expect(after.cache - before.cache).toBeGreaterThanOrEqual(1);
        expect(b.checksum).toBe(first.checksum);
      },
    );

    const computedBefore = (await served()).computed;
    await publisher.publish(leadCreated(caller.tenantId, hourAgo));
    const moved = await eventually(read, (data) => expect(data.tiles[0].data.kpis.leadsCreated).toBe(3));
    expect((await served()).computed).toBeGreaterThan(computedBefore);
    expect(moved.checksum).not.toBe(first.checksum);

    // Another range than the cached one's, so that this is computed as of the position, not found in the cache.
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const earlier = await t.app.inject({
      url: `${url}?asOfPosition=${first.asOfPosition}&from=${from}&timezone=UTC`,
      headers: caller.headers,
    });
    expect(earlier.json()).toMatchObject({ asOfPosition: first.asOfPosition, checksum: first.checksum });
    expect(earlier.json().tiles[0].data.kpis.leadsCreated).toBe(2);
    const ahead = await t.app.inject({ url: `${url}?asOfPosition=99999999999:1`, headers: caller.headers });
    expect(ahead.statusCode).toBe(400);
  });

  it("uses the dashboard's saved range and zone unless the request names others", async () => {
    const caller = await tenantCaller(t.key);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/dashboards',
      headers: caller.headers,
      payload: {
        name: 'Nov',
        dateRange: { from: '2026-11-01', to: '2026-11-30' },
        timezone: 'Asia/Kolkata',
        tiles: [],
      },
    });
    const url = `/api/v1/analytics/dashboards/${created.json().id}/data`;
    const saved = await t.app.inject({ url, headers: caller.headers });
    expect(saved.json()).toMatchObject({
      tiles: [],
      range: { from: '2026-10-31T18:30:00.000Z', to: '2026-11-30T18:30:00.000Z', timezone: 'Asia/Kolkata' },
    });
    const given = await t.app.inject({
      url: `${url}?from=2026-12-01&to=2026-12-01&timezone=UTC`,
      headers: caller.headers,
    });
    expect(given.json().range).toEqual({
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-02T00:00:00.000Z',
      timezone: 'UTC',
    });
    const other = await tenantCaller(t.key);
    expect((await t.app.inject({ url, headers: other.headers })).statusCode).toBe(404);
  });
});
