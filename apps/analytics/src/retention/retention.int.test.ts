import { afterAll, beforeAll, describe, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { leadEvents, publishAll } from '../funnels/test-events.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { retentionFeature } from './retention.routes.ts';
import { retentionTileSource } from './run-retention.ts';

const URL = '/api/v1/analytics/retention/query';

describe('POST /retention/query over published events', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [retentionFeature] });
  });
  afterAll(async () => t?.close());

  const query = (headers: Record<string, string>, body: object) =>
    t.app.inject({ method: 'POST', url: URL, headers, payload: body });

  it("puts subjects in the cohort of their first event's local day and counts their returns per day", async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    // Asia/Kolkata is UTC+05:30: 18:30Z starts a local day. In UTC, A and B would not share a cohort.
    await publishAll(t, [
      // A: created Dec 1 01:30 local, contacted Dec 2 00:30 local (period 1).
      ...leadEvents(caller.tenantId, [
        ['lead.created', '2026-11-30T20:00:00Z'],
        ['lead.contacted', '2026-12-01T19:00:00Z'],
      ]),
      // B: created Dec 1 22:30 local, contacted Dec 1 23:30 local (period 0).
      ...leadEvents(caller.tenantId, [
        ['lead.created', '2026-12-01T17:00:00Z'],
        ['lead.contacted', '2026-12-01T18:00:00Z'],
      ]),
      // C: created Dec 2 00:30 local, contacted Dec 3 00:30 local (period 1).
      ...leadEvents(caller.tenantId, [
        ['lead.created', '2026-12-01T19:00:00Z'],
        ['lead.contacted', '2026-12-02T19:00:00Z'],
      ]),
      // Outside the range (Nov 30 local): no cohort.
      ...leadEvents(caller.tenantId, [['lead.created', '2026-11-30T18:00:00Z']]),
    ]);
    const body = {
      cohortEventType: 'lead.created',
      returnEventType: 'lead.contacted',
      interval: 'day',
      periods: 2,
      dateRange: { from: '2026-12-01', to: '2026-12-03' },
      timezone: 'Asia/Kolkata',
    };
    const answer = await eventually(
      async () => (await query(caller.headers, body)).json(),
      (got) => expect(got.cohorts?.[1]?.retained, JSON.stringify(got)).toEqual([0, 1, 0]),
    );
    expect(answer.cohorts).toEqual([
      { cohort: '2026-12-01T00:00:00+05:30', size: 2, retained: [1, 1, 0], rates: ['0.5000', '0.5000', '0.0000'] },
      { cohort: '2026-12-02T00:00:00+05:30', size: 1, retained: [0, 1, 0], rates: ['0.0000', '1.0000', '0.0000'] },
    ]);
    expect(answer.range).toEqual({
      from: '2026-11-30T18:30:00.000Z',
      to: '2026-12-03T18:30:00.000Z',
      timezone: 'Asia/Kolkata',
    });
    expect((await query(other.headers, body)).json().cohorts).toEqual([]);

    // A dashboard tile holds the definition and gets the dashboard's range and zone.
    const { dateRange: _range, timezone, ...config } = body;
    const range = { fromMs: Date.parse(answer.range.from), toMs: Date.parse(answer.range.to), timezone };
    const tile = await withTransaction(
      t.pool,
      (client) => retentionTileSource(client, caller.tenantId, config, range, null),
      { tenantId: caller.tenantId },
    );
    expect(tile).toEqual({ cohorts: answer.cohorts });
  });

  it('refuses unknown fields and bad values by name', async () => {
    const caller = await tenantCaller(t.key);
    const response = await query(caller.headers, {
      cohortEventType: 'lead.created',
      returnEventType: 'lead.contacted',
      interval: 'fortnight',
      periods: 2,
      dateRange: { from: '2026-12-01' },
      cohort: 'x',
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().details.issues.map((issue: { path: string }) => issue.path);
    expect(paths.sort()).toEqual(['cohort', 'interval']);
    const badZone = await query(caller.headers, {
      cohortEventType: 'lead.created',
      returnEventType: 'lead.contacted',
      interval: 'day',
      periods: 2,
      dateRange: { from: '2026-12-01' },
      timezone: 'Mars/Olympus',
    });
    expect(badZone.json().details.issues).toEqual([expect.objectContaining({ path: 'timezone', location: 'body' })]);
  });
});
