import { afterAll, beforeAll, describe, it } from 'vitest';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { resolveRange } from '../kpis/range-query.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { queryFeature } from './query.routes.ts';
import { queryTileSource, reportRunQuery } from './query-sources.ts';
import { leadCreated, publishAll, queryOnceProjected } from './query-test-events.ts';

describe('runQuery for dashboards and reports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { features: [queryFeature] });
  });
  afterAll(async () => t?.close());

  it('a saved definition over a range answers as the route does; a bad one is refused by name', async () => {
    const caller = await tenantCaller(t.key);
    await publishAll(t, [
      leadCreated(caller.tenantId, new Date('2026-12-01T10:00:00Z'), { source: 'referral' }),
      leadCreated(caller.tenantId, new Date('2026-12-02T10:00:00Z'), { source: 'paid_ads' }),
    ]);
    const definition = { metrics: ['leadsCreated', 'subjects'], dimensions: ['source'], interval: 'day' };
    const dates = { from: '2026-12-01', to: '2026-12-02' };
    const routed = await queryOnceProjected(t, caller, 2, {
      ...definition,
      dateRange: dates,
      timezone: 'Europe/London',
    });
    const range = resolveRange({ ...dates, timezone: 'Europe/London' }, new Date());
    const inTenant = <T>(read: (client: pg.PoolClient) => Promise<T>) =>
      withTransaction(t.pool, read, { tenantId: caller.tenantId });

    const tile = await inTenant((client) => queryTileSource(client, caller.tenantId, definition, range, null));
    expect(tile).toEqual(routed);
    const report = await inTenant((client) => reportRunQuery(client, caller.tenantId, { definition, range }, null));
    expect(report.answer).toEqual(routed);
    expect(report.checkpoint).not.toBeNull();

    const refused = inTenant((client) =>
      queryTileSource(client, caller.tenantId, { metrics: ['events', 'bogus'] }, range, null),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ details: { issues: [{ path: 'config.metrics.1' }] } });
  });
});
