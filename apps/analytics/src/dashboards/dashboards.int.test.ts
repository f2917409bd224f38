import { afterAll, beforeAll, describe, it } from 'vitest';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { dashboardsFeature } from './dashboards-feature.ts';

const stand = async () => ({ stub: true });
const body = {
  name: 'Sales',
  dateRange: 'last_7_days',
  timezone: 'Europe/Paris',
  tiles: [
    { title: 'Leads', kind: 'kpis', config: { metrics: ['leadsCreated', 'conversionRate'] } },
    { title: 'Per day', kind: 'query', config: { metrics: ['leadsCreated'], interval: 'day' } },
  ],
};

describe('dashboards CRUD', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [dashboardsFeature({ query: stand, funnel: stand, retention: stand })] });
  });
  afterAll(async () => t?.close());

  it('creates, reads, lists, replaces with a version check and deletes; another tenant gets 404', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const url = '/api/v1/analytics/dashboards';
    const created = await t.app.inject({ method: 'POST', url, headers: caller.headers, payload: body });
    expect(created.statusCode, created.body).toBe(201);
    const dashboard = created.json();
    expect(created.headers.etag).toBe('"1"');
    expect(dashboard).toMatchObject({ name: 'Sales', version: 1, dateRange: 'last_7_days', timezone: 'Europe/Paris' });
    expect(dashboard.tiles.map((tile: { title: string }) => tile.title)).toEqual(['Leads', 'Per day']);
    await t.app.inject({ method: 'POST', url, headers: caller.headers, payload: { ...body, name: 'Second' } });

    const page = await t.app.inject({ url: `${url}?limit=1`, headers: caller.headers });
    expect(page.json().items.map((d: { name: string }) => d.name)).toEqual(['Second']);
    const next = await t.app.inject({
      url: `${url}?limit=1&cursor=${page.json().nextCursor}`,
      headers: caller.headers,
    });
    expect(next.json()).toMatchObject({ items: [{ name: 'Sales' }], nextCursor: null });

    const one = `${url}/${dashboard.id}`;
    const replacement = { name: 'Sales v2', dateRange: { from: '2026-11-01', to: '2026-11-30' }, tiles: [] };
    const replaced = await t.app.inject({
      method: 'PUT',
      url: one,
      headers: { ...caller.headers, 'if-match': '"1"' },
      payload: replacement,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ name: 'Sales v2', version: 2, timezone: 'UTC', tiles: [] });
    const stale = await t.app.inject({
      method: 'PUT',
      url: one,
      headers: caller.headers,
      payload: { ...replacement, version: 1 },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });
    const read = await t.app.inject({ url: one, headers: caller.headers });
    expect(read.json()).toMatchObject({ name: 'Sales v2', dateRange: { from: '2026-11-01', to: '2026-11-30' } });

    for (const request of [
      { method: 'GET' as const, url: one },
      { method: 'PUT' as const, url: one, payload: { ...replacement, version: 2 } },
      { method: 'DELETE' as const, url: one },
    ])
      expect((await t.app.inject({ ...request, headers: other.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url, headers: other.headers })).json().items).toEqual([]);

    expect((await t.app.inject({ method: 'DELETE', url: one, headers: caller.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ url: one, headers: caller.headers })).statusCode).toBe(404);
  });

  it('refuses unknown fields, unknown KPIs, a range in a tile, a bad zone and a replace without a version, by name', async () => {
    const caller = await tenantCaller(t.key);
    const url = '/api/v1/analytics/dashboards';
    const post = (payload: object) => t.app.inject({ method: 'POST', url, headers: caller.headers, payload });
    const paths = async (payload: object) => {
      const response = await post(payload);
      expect(response.statusCode, response.body).toBe(400);
      return response.json().details.issues.map((issue: { path: string }) => issue.path);
    };
    expect(await paths({ ...body, colour: 'red' })).toContain('colour');
    expect(await paths({ ...body, tiles: [{ title: 'x', kind: 'kpis', config: { metrics: ['nope'] } }] })).toEqual([
      'tiles.0.config.metrics.0',
    ]);
    const withRange = { title: 'x', kind: 'funnel', config: { steps: [], dateRange: { from: '2026-01-01' } } };
    expect(await paths({ ...body, tiles: [withRange] })).toEqual(['tiles.0.config']);
    expect(await paths({ ...body, timezone: 'Mars/Olympus' })).toEqual(['timezone']);
    const created = (await post(body)).json();
    const blind = await t.app.inject({
      method: 'PUT',
      url: `${url}/${created.id}`,
      headers: caller.headers,
      payload: body,
    });
    expect(blind.statusCode).toBe(400);
    expect(blind.json().details.issues[0].path).toBe('version');
    const viewer = await tenantCaller(t.key, ['viewer'], caller.tenantId);
    expect((await t.app.inject({ method: 'POST', url, headers: viewer.headers, payload: body })).statusCode).toBe(403);
  });
});
