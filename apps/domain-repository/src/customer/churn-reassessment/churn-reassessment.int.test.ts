import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CommandHandler } from '../../write-side/command-handler.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../../test-support.ts';
import { createChurnReassessment } from './churn-reassessment.job.ts';

const DAY = 86_400_000;
let clock = new Date();
let t: TestApp;
let worker: pg.Pool;
beforeAll(async () => {
  t = await startTestApp({}, { now: () => clock });
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await t?.close();
  await worker?.end();
});

describe('churn re-assessment job', () => {
  it('re-assesses every customer in pages as time passes; one pass at a time across replicas', async () => {
    clock = new Date();
    const caller = await tenantCaller(t.key, ['admin']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: caller.headers,
        payload: { profile: { email: `churn${i}@example.com` } },
      });
      expect(res.statusCode, res.body).toBe(201);
      ids.push(res.json().id);
    }
    const get = (id: string) =>
      t.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: caller.headers }).then((r) => r.json());
    // The list projection is what the job pages over.
    await eventually(
      async () =>
        (
          await worker.query(
            `SELECT count(*)::int AS n FROM domain_repository_event_store.customer_list WHERE tenant_id = $1`,
            [caller.tenantId],
          )
        ).rows[0].n,
      (n) => expect(n).toBe(3),
    );

    // The job runs the real command through the app for this test's tenant only (other test files share the database).
    const seen: { type: string; customerId: string; metadata: Parameters<CommandHandler['run']>[0] }[] = [];
    const commands: Pick<CommandHandler, 'run'> = {
      run: async (metadata, spec) => {
        seen.push({ type: spec.command.type, customerId: spec.aggregateId, metadata });
        if (metadata.tenantId === caller.tenantId) {
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/customers/${spec.aggregateId}/churn-assessment`,
            headers: caller.headers,
            payload: {},
          });
          expect(res.statusCode, res.body).toBe(200);
        }
        return spec.view(spec.aggregate.initialState(), spec.aggregateId, 0);
      },
    };
    const job = (batchSize: number) =>
      createChurnReassessment({
        worker,
        commands,
        now: () => clock,
        intervalMs: 60_000,
        batchSize,
        onError: (e) => {
          throw e;
        },
      });

    clock = new Date(Date.now() + 200 * DAY);
    const [a, b] = [job(2), job(2)];
    const [passA, passB] = await Promise.all([a.pass(), b.pass()]);
    expect([passA, passB].filter((n) => n === 0)).toHaveLength(1); // the other replica found the pass taken
    const mine = seen.filter((c) => c.metadata.tenantId === caller.tenantId);
    expect(mine.map((c) => c.customerId).sort()).toEqual([...ids].sort());
    expect(mine[0]).toMatchObject({
      type: 'customer.assess_churn_risk',
      metadata: { actor: { type: 'system', id: 'churn-reassessment' } },
    });
    for (const id of ids) expect(await get(id)).toMatchObject({ churnRisk: 100, version: 2 });

    // Nothing changed since: a second pass appends nothing.
    await job(50).pass();
    for (const id of ids) expect((await get(id)).version).toBe(2);
  });
});
