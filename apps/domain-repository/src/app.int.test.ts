import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itServesTheOpsContract } from '@bizosaas/service-kit/testing';
import { startTestApp, type TestApp } from './test-support.ts';

// The ops contract on the app as main.ts builds it (relay and projections running).
describe('domain-repository', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  itServesTheOpsContract('domain-repository', () => t.app, ['postgres', 'redis', 'outbox', 'projections', 'consumers']);

  it('lists the outbox backlog, each projection lag and the CRM and lead-scoring group lags on /ready', async () => {
    const res = await t.app.inject({ url: '/ready' });
    expect(res.statusCode, res.body).toBe(200);
    const count = expect.any(Number);
    expect(res.json().components).toMatchObject({
      outbox: { status: 'up', latencyMs: count, details: { rows: count, oldestAgeSeconds: count } },
      projections: {
        status: 'up',
        details: { projections: expect.arrayContaining([{ projection: 'dr_lead_list', position: count, lag: count }]) },
      },
      consumers: {
        status: 'up',
        details: {
          groups: [
            { group: 'domain-repository.crm-ingest', stream: expect.any(String), lag: count, pending: count },
            {
              group: 'domain-repository.lead-scoring',
              stream: expect.stringMatching(/\{ai_analysis\}$/),
              lag: count,
              pending: count,
            },
          ],
        },
      },
    });
  });
});
