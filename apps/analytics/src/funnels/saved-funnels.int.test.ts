import { afterAll, beforeAll, describe, it } from 'vitest';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { funnelsFeature } from './funnels-feature.ts';
import { leadEvents, publishAll } from './test-events.ts';

const BASE = '/api/v1/analytics/funnels';
const definition = { steps: [{ eventType: 'lead.created' }, { eventType: 'lead.qualified' }] };

describe('saved funnels', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A clock a second further on each reading: funnels created one after another never share a time.
    let tick = 0;
    const now = () => new Date(Date.parse('2026-12-07T08:00:00Z') + 1000 * tick++);
    t = await startTestApp({}, { features: [funnelsFeature], now });
  });
  afterAll(async () => t?.close());

  type Headers = Record<string, string>;
  const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload && { payload }) });
  const create = async (headers: Headers, name: string) => {
    const response = await send('POST', BASE, headers, { name, definition });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  it('creates, lists newest first in pages, reads, replaces with a version check and deletes', async () => {
    const caller = await tenantCaller(t.key);
    const first = await create(caller.headers, 'Lead qualification');
    expect(first).toMatchObject({
      name: 'Lead qualification',
      definition: { ...definition, order: 'ordered' },
      version: 1,
      createdBy: caller.userId,
    });
    const second = await create(caller.headers, 'Second');

    const page1 = (await send('GET', `${BASE}?limit=1`, caller.headers)).json();
    expect(page1.funnels.map((f: { id: string }) => f.id)).toEqual([second.id]);
    const page2 = (await send('GET', `${BASE}?limit=1&cursor=${page1.nextCursor}`, caller.headers)).json();
    expect(page2).toEqual({ funnels: [first], nextCursor: null });

    const read = await send('GET', `${BASE}/${first.id}`, caller.headers);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(first);

    const change = { name: 'Renamed', definition: { ...definition, order: 'strict' } };
    const updated = await send('PUT', `${BASE}/${first.id}`, { ...caller.headers, 'if-match': '"1"' }, change);
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Renamed', version: 2, definition: { order: 'strict' } });
    const stale = await send('PUT', `${BASE}/${first.id}`, { ...caller.headers, 'if-match': '"1"' }, change);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });
    const staleBody = await send('PUT', `${BASE}/${first.id}`, caller.headers, { ...change, expectedVersion: 1 });
    expect(staleBody.statusCode).toBe(409);
    expect((await send('GET', `${BASE}/${first.id}`, caller.headers)).json().version).toBe(2);

    const deleted = await send('DELETE', `${BASE}/${first.id}`, caller.headers);
    expect(deleted.statusCode).toBe(204);
    expect((await send('GET', `${BASE}/${first.id}`, caller.headers)).statusCode).toBe(404);
  });

  it("answers 404 to another tenant's funnel whatever it asks, and changes nothing", async () => {
    const owner = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const funnel = await create(owner.headers, 'Private');
    const url = `${BASE}/${funnel.id}`;
    const attempts = [
      await send('GET', url, other.headers),
      await send('PUT', url, other.headers, { name: 'Taken', definition }),
      await send('DELETE', url, other.headers),
      await send('POST', `${url}/query`, other.headers, { dateRange: { from: '2026-12-01' } }),
    ];
    expect(attempts.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect((await send('GET', BASE, other.headers)).json().funnels).toEqual([]);
    expect((await send('GET', url, owner.headers)).json()).toEqual(funnel);
  });

  it('runs a saved funnel over a range', async () => {
    const caller = await tenantCaller(t.key);
    const funnel = await create(caller.headers, 'Qualification');
    await publishAll(t, [
      ...leadEvents(caller.tenantId, [
        ['lead.created', '2026-12-01T10:00:00Z'],
        ['lead.qualified', '2026-12-01T10:10:00Z'],
      ]),
      ...leadEvents(caller.tenantId, [['lead.created', '2026-12-01T10:00:00Z']]),
    ]);
    const answer = await eventually(
      async () =>
        (
          await send('POST', `${BASE}/${funnel.id}/query`, caller.headers, {
            dateRange: { from: '2026-12-01', to: '2026-12-01' },
            timezone: 'Europe/Berlin',
          })
        ).json(),
      (body) =>
        expect(
          body.steps?.map((s: { count: number }) => s.count),
          JSON.stringify(body),
        ).toEqual([2, 1]),
    );
    expect(answer.steps[1]).toMatchObject({ conversionRate: '0.5000', medianSecondsToConvert: 600 });
    expect(answer.range).toEqual({
      from: '2026-11-30T23:00:00.000Z',
      to: '2026-12-01T23:00:00.000Z',
      timezone: 'Europe/Berlin',
    });
  });

  it('refuses unknown fields, invalid definitions by their place, and writes by a viewer', async () => {
    const caller = await tenantCaller(t.key);
    const unknown = await send('POST', BASE, caller.headers, { name: 'x', definition, owner: 'me' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues).toEqual([expect.objectContaining({ path: 'owner' })]);

    const windowOnFirst = {
      name: 'x',
      definition: { steps: [{ eventType: 'lead.created', withinSeconds: 5 }, { eventType: 'lead.qualified' }] },
    };
    const invalid = await send('POST', BASE, caller.headers, windowOnFirst);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details.issues).toEqual([
      expect.objectContaining({ path: 'definition.steps.0.withinSeconds', location: 'body' }),
    ]);

    const viewer = await tenantCaller(t.key, ['viewer'], caller.tenantId);
    expect((await send('POST', BASE, viewer.headers, { name: 'x', definition })).statusCode).toBe(403);
    expect((await send('GET', BASE, viewer.headers)).json().funnels).toEqual([]);
  });
});
