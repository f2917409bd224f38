import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { createEvent } from '@bizosaas/event-schemas';
import { createPublisher } from '@bizosaas/messaging';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

const actor = { type: 'user' as const, id: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a4' };

describe('POST /rebuild', () => {
  let t: TestApp;
  let owner: pg.Pool;
  beforeAll(async () => {
    t = await startTestApp();
    owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 1 });
  });
  afterAll(async () => {
    await t?.close();
    await owner?.end();
  });

  async function tenantWithEvents() {
    const caller = await tenantCaller(t.key);
    const publisher = createPublisher({ redis: t.redis, namespace: t.config.EVENT_STREAM_NAMESPACE });
    for (const value of ['10.10', '20.25']) {
      const customerId = randomUUID();
      await publisher.publish(
        createEvent({
          type: 'customer.purchase_recorded',
          tenantId: caller.tenantId,
          aggregateId: customerId,
          actor,
          data: {
            orderId: randomUUID(),
            orderValue: value,
            currency: 'EUR',
            purchasedAt: new Date().toISOString(),
            totalRevenue: value,
            purchaseCount: 1,
          },
        }),
      );
    }
    const kpis = await eventually(
      async () => (await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers })).json(),
      (body) => expect(body.kpis?.purchases).toBe(2),
    );
    return { caller, kpis };
  }

  it('rebuilds into a new generation whose checksum equals the live one; the figures are unchanged', async () => {
    const { caller, kpis } = await tenantWithEvents();
    const rebuilt = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/rebuild', headers: caller.headers });
    expect(rebuilt.statusCode).toBe(200);
    const body = rebuilt.json<{ tables: Record<string, { live: string; rebuilt: string }>; checksum: string }>();
    for (const sums of Object.values(body.tables)) expect(sums.rebuilt).toBe(sums.live);
    expect(body.checksum).toMatch(/^[0-9a-f]{64}$/);
    const after = await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers });
    expect(after.json().kpis).toEqual(kpis.kpis);
    expect(after.json().kpis.purchaseValue).toEqual([{ amount: '30.35', currency: 'EUR' }]);
  });

  it('refuses the swap when the rebuilt data differs from the live data, naming the table; the live generation serves on', async () => {
    const { caller } = await tenantWithEvents();
    // The live rollup is damaged behind the projection's back: the rebuild from the log disagrees with it.
    const damaged = await owner.query(
      `UPDATE analytics_event_store.metric_minutes SET events = events + 5 WHERE tenant_id = $1`,
      [caller.tenantId],
    );
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/rebuild', headers: caller.headers });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'REBUILD_DIVERGED', details: { tables: ['metric_minutes'] } });
    const kpis = await t.app.inject({ url: '/api/v1/analytics/kpis', headers: caller.headers });
    expect(kpis.json().kpis.purchases).toBe(2 + 5 * (damaged.rowCount ?? 0));
  });

  it('gives checksum-identical dashboard data after a rebuild into a new generation', async () => {
    const { caller } = await tenantWithEvents();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/analytics/dashboards',
      headers: caller.headers,
      payload: {
        name: 'Purchases',
        tiles: [
          { title: 'KPIs', kind: 'kpis', config: { metrics: ['purchases', 'purchaseValue'] } },
          {
            title: 'Trend',
            kind: 'query',
            config: { metrics: ['purchases', 'purchaseValue', 'subjects'], interval: 'day' },
          },
          {
            title: 'Funnel',
            kind: 'funnel',
            config: {
              steps: [{ eventType: 'customer.purchase_recorded' }, { eventType: 'customer.churn_risk_updated' }],
            },
          },
          {
            title: 'Retention',
            kind: 'retention',
            config: {
              cohortEventType: 'customer.purchase_recorded',
              returnEventType: 'customer.purchase_recorded',
              interval: 'day',
              periods: 3,
            },
          },
        ],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/v1/analytics/dashboards/${created.json().id}/data`;
    const before = (await t.app.inject({ url, headers: caller.headers })).json();
    expect(before.tiles[0].data.kpis).toMatchObject({
      purchases: 2,
      purchaseValue: [{ amount: '30.35', currency: 'EUR' }],
    });

    const rebuilt = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/rebuild', headers: caller.headers });
    expect(rebuilt.statusCode).toBe(200);
    const after = (await t.app.inject({ url, headers: caller.headers })).json();
    expect(after.checksum).toBe(before.checksum);
    expect(after.tiles).toEqual(before.tiles);
  });

  it('runs one rebuild at a time: a second asked for meanwhile is 409 REBUILD_RUNNING', async () => {
    const { caller } = await tenantWithEvents();
    const rebuild = () => t.app.inject({ method: 'POST', url: '/api/v1/analytics/rebuild', headers: caller.headers });
    const answers = await Promise.all([rebuild(), rebuild()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.statusCode === 409)?.json().error).toBe('REBUILD_RUNNING');
  });

  it('needs analytics:manage', async () => {
    const viewer = await tenantCaller(t.key, ['viewer']);
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/analytics/rebuild', headers: viewer.headers });
    expect(refused.statusCode).toBe(403);
  });
});
