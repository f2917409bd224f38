import { afterAll, beforeAll, describe, it } from 'vitest';
import { createPublisher } from '@bizosaas/messaging';
import { kpisFeature } from '../kpis/kpis.routes.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { queueDueSchedules } from './queue-due-schedules.ts';
import {
  leadCreated,
  leadQualified,
  readCsv,
  releaseWaitingQuery,
  standInQuery,
  TEST_RUN,
} from './report-test-support.ts';
import { reportsFeature } from './reports-feature.ts';

const REPORTS = '/api/v1/analytics/reports';
// The clock of the app: real time unless a test fixes it.
let fixed: Date | null = null;

describe('reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {},
      {
        now: () => fixed ?? new Date(),
        features: [kpisFeature, reportsFeature({ runQuery: standInQuery, pollIntervalMs: 50, leaseMs: 400 })],
      },
    );
  });
  afterAll(async () => {
    releaseWaitingQuery();
    await t?.close();
  });

  const request = async (headers: Record<string, string>, payload: object) => {
    const queued = await t.app.inject({ method: 'POST', url: REPORTS, headers, payload });
    expect(queued.statusCode, queued.body).toBe(202);
    return queued.json();
  };
  const finished = (headers: Record<string, string>, id: string) =>
    eventually(
      async () => (await t.app.inject({ url: `${REPORTS}/${id}`, headers })).json(),
      (report) => expect(['ready', 'failed']).toContain(report.status),
    );
  const readyEvents = async (reportId: string) =>
    (
      await t.worker.query<{ type: string; tenant_id: string; data: Record<string, unknown> }>(
        'SELECT type, tenant_id, data FROM analytics_event_store.events WHERE aggregate_id = $1',
        [reportId],
      )
    ).rows;

  it('builds the CSV of the events behind a KPI, exactly those published, and announces it with analytics.report_ready', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const created = [
      leadCreated(caller.tenantId, hourAgo),
      leadCreated(caller.tenantId, hourAgo),
      leadCreated(caller.tenantId, hourAgo),
    ];
    const events = [
      ...created,
      leadQualified(caller.tenantId, created[0]!.aggregateId, hourAgo),
      leadCreated(other.tenantId, hourAgo),
    ];
    for (const event of events) await publisher.publish(event);
    await eventually(
      async () => (await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers })).json(),
      (body) => expect(body.kpis?.leadsQualified).toBe(1),
    );

    const queued = await request(caller.headers, {
      name: 'New leads',
      kind: 'events',
      metric: 'leadsCreated',
      dateRange: 'last_7_days',
    });
    expect(queued).toMatchObject({ status: 'queued', kind: 'events', links: { download: null } });
    const report = await finished(caller.headers, queued.id);
    expect(report).toMatchObject({
      status: 'ready',
      rows: 3,
      error: null,
      links: { download: `${REPORTS}/${queued.id}/download` },
    });
    expect(report.asOfPosition).toMatch(/^\d+:\d+$/);

    const download = await t.app.inject({ url: report.links.download, headers: caller.headers });
    expect(download.headers['content-type']).toMatch(/^text\/csv/);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="New_leads-.+\.csv"$/);
    expect(download.body.split('\n')[0]).toBe(
      'eventId,type,subjectId,occurredAt,correlationId,campaignId,source,amount,currency,position',
    );
    const rows = readCsv(download.body);
    const byId = (a: { eventId?: string; id?: string }, b: { eventId?: string; id?: string }) =>
      (a.eventId ?? a.id ?? '').localeCompare(b.eventId ?? b.id ?? '');
    expect(rows.sort(byId)).toEqual(
      [...created].sort(byId).map((e) => ({
        eventId: e.id,
        type: 'lead.created',
        subjectId: e.aggregateId,
        occurredAt: e.occurredAt,
        correlationId: e.correlationId,
        campaignId: '',
        source: 'website_form',
        amount: '',
        currency: '',
        position: expect.stringMatching(/^\d+:\d+$/),
      })),
    );

    expect(await readyEvents(queued.id)).toEqual([
      {
        type: 'analytics.report_ready',
        tenant_id: caller.tenantId,
        data: {
          reportId: queued.id,
          name: 'New leads',
          kind: 'events',
          rows: 3,
          requestedBy: caller.userId,
          downloadPath: `${REPORTS}/${queued.id}/download`,
        },
      },
    ]);
    expect((await t.app.inject({ url: `${REPORTS}/${queued.id}`, headers: other.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ url: report.links.download, headers: other.headers })).statusCode).toBe(404);

    const kpis = await finished(caller.headers, (await request(caller.headers, { name: 'KPIs', kind: 'kpis' })).id);
    const kpiRows = readCsv((await t.app.inject({ url: kpis.links.download, headers: caller.headers })).body);
    const value = (name: string) => kpiRows.filter((row) => row.name === name).map((row) => [row.value, row.currency]);
    expect(value('leadsCreated')).toEqual([['3', '']]);
    expect(value('leadsQualified')).toEqual([['1', '']]);
    expect(value('qualificationRate')).toEqual([['0.3333', '']]);
    expect(value('revenue')).toEqual([['', '']]);
    expect(kpis.links.chart).toBeNull();
    expect((await t.app.inject({ url: `${REPORTS}/${kpis.id}/chart.svg`, headers: caller.headers })).statusCode).toBe(
      404,
    );
  });

  it('builds a time series with its chart; a refused or failing query fails the report without an event; a report not ready is not downloaded', async () => {
    const caller = await tenantCaller(t.key);
    const series = await finished(
      caller.headers,
      (await request(caller.headers, { name: 'Trend', kind: 'query', query: { metrics: ['leadsCreated'] } })).id,
    );
    expect(series).toMatchObject({ status: 'ready', rows: 2, asOfPosition: '7:42' });
    const csv = (await t.app.inject({ url: series.links.download, headers: caller.headers })).body;
    expect(csv).toBe(
      'bucket,leadsCreated,revenue\n2026-12-01T00:00:00+01:00,3,\n2026-12-02T00:00:00+01:00,5,10.50 EUR\n',
    );
    const chart = await t.app.inject({ url: series.links.chart, headers: caller.headers });
    expect(chart.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(chart.body).toMatch(/^<svg[\s\S]*Trend[\s\S]*<\/svg>\s*$/);

    const refused = await finished(
      caller.headers,
      (await request(caller.headers, { name: 'R', kind: 'query', query: { fail: 'refused' } })).id,
    );
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'VALIDATION_ERROR' }, rows: null });
    const crashed = await finished(
      caller.headers,
      (await request(caller.headers, { name: 'C', kind: 'query', query: { fail: 'crash' } })).id,
    );
    expect(crashed).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'REPORT_BUILD_FAILED' } });
    expect(await readyEvents(refused.id)).toEqual([]);
    expect(await readyEvents(crashed.id)).toEqual([]);
    const notReady = await t.app.inject({ url: `${REPORTS}/${crashed.id}/download`, headers: caller.headers });
    expect(notReady.statusCode).toBe(422);
    expect(notReady.json()).toMatchObject({ error: 'BUSINESS_RULE_VIOLATION', details: { currentStatus: 'failed' } });

    const waiting = await request(caller.headers, { name: 'W', kind: 'query', query: { fail: 'wait', run: TEST_RUN } });
    await eventually(
      async () => (await t.app.inject({ url: `${REPORTS}/${waiting.id}/download`, headers: caller.headers })).json(),
      (body) => expect(body.details?.currentStatus).toBe('building'),
    );
    // A build longer than its lease keeps it (renewed while it runs).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { rows: lease } = await t.worker.query<{ lease_until: Date; attempts: number }>(
      'SELECT lease_until, attempts FROM analytics.reports WHERE id = $1',
      [waiting.id],
    );
    expect(lease[0]?.lease_until.getTime()).toBeGreaterThan(Date.now());
    expect(lease[0]?.attempts).toBe(1);
    releaseWaitingQuery();
    expect((await finished(caller.headers, waiting.id)).status).toBe('ready');

    const page = await t.app.inject({ url: `${REPORTS}?status=failed&limit=1`, headers: caller.headers });
    expect(page.json().items.map((r: { id: string }) => r.id)).toEqual([crashed.id]);
    expect(page.json().nextCursor).toEqual(expect.any(String));
  });

  it('queues the report of a schedule exactly once per due time, in the schedule’s zone', async () => {
    const caller = await tenantCaller(t.key);
    const url = '/api/v1/analytics/report-schedules';
    const report = { name: 'Weekly KPIs', kind: 'kpis', dateRange: 'last_7_days' };
    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: caller.headers,
      payload: { name: 'x', cron: '61 * * * *', report },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.issues.map((i: { path: string }) => i.path)).toEqual(['cron']);

    fixed = new Date('2031-03-03T12:00:00Z');
    // Every day at 08:00 in New York: 13:00 UTC in winter.
    const created = await t.app.inject({
      method: 'POST',
      url,
      headers: caller.headers,
      payload: { name: 'Daily', cron: '0 8 * * *', timezone: 'America/New_York', report },
    });
    expect(created.statusCode, created.body).toBe(201);
    const schedule = created.json();
    expect(schedule.nextRunAt).toBe('2031-03-03T13:00:00.000Z');
    const queuedBy = async () =>
      (await t.app.inject({ url: `${REPORTS}?limit=100`, headers: caller.headers }))
        .json()
        .items.filter((r: { scheduleId: string | null }) => r.scheduleId === schedule.id);
    try {
      fixed = new Date('2031-03-03T13:00:30Z');
      // Two more replicas at the same due time, beside the app's own worker.
      await Promise.all([queueDueSchedules(t.worker, fixed), queueDueSchedules(t.worker, fixed)]);
      const first = await eventually(queuedBy, (reports) => expect(reports).toHaveLength(1));
      expect(first[0]).toMatchObject({ name: 'Weekly KPIs', requestedBy: caller.userId });
      const listed = (await t.app.inject({ url, headers: caller.headers })).json().items;
      expect(listed).toMatchObject([{ id: schedule.id, nextRunAt: '2031-03-04T13:00:00.000Z' }]);
      await queueDueSchedules(t.worker, fixed);
      expect(await queuedBy()).toHaveLength(1);

      fixed = new Date('2031-03-04T13:05:00Z');
      await eventually(queuedBy, (reports) => expect(reports).toHaveLength(2));
    } finally {
      fixed = null;
      await t.app.inject({ method: 'DELETE', url: `${url}/${schedule.id}`, headers: caller.headers });
    }
    expect((await t.app.inject({ url, headers: caller.headers })).json().items).toEqual([]);
  });
});
