import { afterAll, beforeAll, describe, it } from 'vitest';
import { insertContacts, leadFixture, type ContactFixture } from '../contacts/contact-fixtures.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { funnelsFeature } from './funnels.routes.ts';

const BASE = '/api/v1/funnels';
const stages = [
  { key: 'lead', name: 'Lead', statuses: ['new', 'contacted'] },
  { key: 'qualified', name: 'Qualified', statuses: ['qualified'] },
  { key: 'won', name: 'Won', statuses: ['converted'] },
];
const START = Date.parse('2026-12-07T08:00:00Z');

describe('sales funnels', () => {
  let t: TestApp;
  let tick = 0;
  beforeAll(async () => {
    // A clock a second further on each reading: funnels created one after another never share a time.
    t = await startTestApp({}, { features: [funnelsFeature], now: () => new Date(START + 1000 * tick++) });
  });
  afterAll(async () => t?.close());

  type Headers = Record<string, string>;
  const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload && { payload }) });
  const create = async (headers: Headers, body: object) => {
    const response = await send('POST', BASE, headers, body);
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  it('creates, lists newest first in pages, reads, replaces with a version check and deletes', async () => {
    const caller = await tenantCaller(t.key, ['member']);
    const first = await create(caller.headers, { name: 'Pipeline', stages });
    expect(first).toMatchObject({
      name: 'Pipeline',
      description: null,
      filter: null,
      stages,
      version: 1,
      createdBy: caller.userId,
    });
    const second = await create(caller.headers, {
      name: 'Paid',
      description: 'Ads',
      filter: { source: ['paid_ads'] },
      stages,
    });
    const page1 = (await send('GET', `${BASE}?limit=1`, caller.headers)).json();
    expect(page1.funnels).toEqual([second]);
    const page2 = (await send('GET', `${BASE}?limit=1&cursor=${page1.nextCursor}`, caller.headers)).json();
    expect(page2).toEqual({ funnels: [first], nextCursor: null });
    expect((await send('GET', `${BASE}/${first.id}`, caller.headers)).json()).toEqual(first);

    const change = { name: 'Renamed', stages: stages.slice(0, 2), expectedVersion: 1 };
    const updated = await send('PUT', `${BASE}/${first.id}`, caller.headers, change);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Renamed', version: 2, stages: stages.slice(0, 2) });
    const stale = await send('PUT', `${BASE}/${first.id}`, caller.headers, change);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });
    expect((await send('GET', `${BASE}/${first.id}`, caller.headers)).json().name).toBe('Renamed');

    expect((await send('DELETE', `${BASE}/${first.id}`, caller.headers)).statusCode).toBe(204);
    expect((await send('GET', `${BASE}/${first.id}`, caller.headers)).statusCode).toBe(404);
    expect((await send('DELETE', `${BASE}/${first.id}`, caller.headers)).statusCode).toBe(404);
  });

  it("answers 404 to another tenant's funnel whatever it asks, and changes nothing", async () => {
    const owner = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const funnel = await create(owner.headers, { name: 'Private', stages });
    const url = `${BASE}/${funnel.id}`;
    const attempts = [
      await send('GET', url, other.headers),
      await send('GET', `${url}/stages`, other.headers),
      await send('PUT', url, other.headers, { name: 'Taken', stages, expectedVersion: 1 }),
      await send('DELETE', url, other.headers),
    ];
    expect(attempts.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect((await send('GET', BASE, other.headers)).json()).toEqual({ funnels: [], nextCursor: null });
    expect((await send('GET', url, owner.headers)).json()).toEqual(funnel);
  });

  it('counts the leads that reached each stage, scoped by the filter, with conversions', async () => {
    const caller = await tenantCaller(t.key);
    const leads = (status: string, n: number, source = 'website_form'): ContactFixture[] =>
      Array.from({ length: n }, () => leadFixture({ status, source }));
    await insertContacts(t.pool, caller.tenantId, [
      ...leads('new', 4),
      ...leads('new', 1, 'paid_ads'),
      ...leads('contacted', 3, 'paid_ads'),
      ...leads('qualified', 2),
      ...leads('converted', 1, 'paid_ads'),
      ...leads('disqualified', 2),
      leadFixture({ kind: 'customer', status: 'customer', source: null }),
    ]);
    const all = await create(caller.headers, { name: 'All', stages });
    const before = tick;
    const response = await send('GET', `${BASE}/${all.id}/stages`, caller.headers);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      funnelId: all.id,
      asOf: new Date(START + 1000 * before).toISOString(),
      stages: [
        { ...stages[0], count: 11, conversionFromPrevious: null },
        { ...stages[1], count: 3, conversionFromPrevious: '0.2727' },
        { ...stages[2], count: 1, conversionFromPrevious: '0.3333' },
      ],
    });
    const paid = await create(caller.headers, { name: 'Paid', filter: { source: ['paid_ads'] }, stages });
    const scoped = (await send('GET', `${BASE}/${paid.id}/stages`, caller.headers)).json();
    expect(scoped.stages.map((s: { count: number }) => s.count)).toEqual([5, 1, 1]);
    expect(scoped.stages.map((s: { conversionFromPrevious: string | null }) => s.conversionFromPrevious)).toEqual([
      null,
      '0.2000',
      '1.0000',
    ]);
  });

  it('refuses bad stages by their place, unknown fields, a missing version, and writes by a viewer', async () => {
    const caller = await tenantCaller(t.key);
    const paths = async (body: object) =>
      (await send('POST', BASE, caller.headers, body)).json().details.issues.map((i: { path: string }) => i.path);
    expect(await paths({ name: 'x', stages: stages.slice(0, 1) })).toEqual(['stages']);
    expect(await paths({ name: 'x', stages: [stages[0], { ...stages[1], key: 'lead' }] })).toEqual(['stages.1.key']);
    expect(await paths({ name: 'x', stages: [stages[0], { ...stages[1], statuses: ['new'] }] })).toEqual([
      'stages.1.statuses',
    ]);
    expect(await paths({ name: 'x', stages: [stages[0], { ...stages[1], statuses: ['customer'] }] })).toEqual([
      'stages.1.statuses.0',
    ]);
    expect(await paths({ name: 'x', stages, owner: 'me' })).toEqual(['owner']);
    const funnel = await create(caller.headers, { name: 'Pipeline', stages });
    const unversioned = await send('PUT', `${BASE}/${funnel.id}`, caller.headers, { name: 'y', stages });
    expect(unversioned.json().details.issues.map((i: { path: string }) => i.path)).toEqual(['expectedVersion']);
    const viewer = await tenantCaller(t.key, ['viewer'], caller.tenantId);
    expect((await send('POST', BASE, viewer.headers, { bad: true })).statusCode).toBe(403);
    expect((await send('GET', `${BASE}/${funnel.id}/stages`, viewer.headers)).statusCode).toBe(200);
  });
});
