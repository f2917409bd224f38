import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { eventually, tenantCaller, type TestApp } from '../test-support.ts';
import { callerWithCampaign, startSpendApp, testClock } from './spend-test-support.ts';

// Budget 1,000.00 USD, 100.00 a day: caps 200.00 a day, 3,040.00 a month, 1,000.00 in all.
const BUDGET = { totalBudget: '1000.00', dailyBudget: '100.00' };
const clock = testClock('2026-12-10T12:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await startSpendApp(clock.now);
});
afterAll(async () => {
  await t?.close();
});

type Caller = Awaited<ReturnType<typeof tenantCaller>>;

const spend = (caller: Caller, campaignId: string, body: object, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/campaign-executions/${campaignId}/spend`,
    headers: { ...caller.headers, ...(key && { 'idempotency-key': key }) },
    payload: body,
  });
const usd = (amount: string, date = '2026-12-10') => ({ amount, currency: 'USD', date });

async function budgetEvents(tenantId: string, campaignId: string) {
  const { rows } = await withTransaction(
    t.pool,
    (client) =>
      client.query<{ type: string; version: number; data: Record<string, unknown> }>(
        `SELECT type, version, data FROM campaign_event_store.events WHERE stream_id = $1 ORDER BY version`,
        [`campaign_budget-${campaignId}`],
      ),
    { tenantId },
  );
  return rows;
}

async function commandRows(tenantId: string, campaignId: string) {
  const { rows } = await withTransaction(
    t.pool,
    (client) =>
      client.query<{ limit_kind: string; period_key: string; action: string }>(
        'SELECT limit_kind, period_key, action FROM pacing_commands WHERE campaign_id = $1 ORDER BY created_at, limit_kind',
        [campaignId],
      ),
    { tenantId },
  );
  return rows;
}

/** Runs `work` while a transaction of the test holds the campaign's budget lock, until `waiters` queue on it. */
async function whileBudgetLocked<T>(
  tenantId: string,
  campaignId: string,
  waiters: number,
  work: () => Promise<T>,
): Promise<T> {
  let running: Promise<T> | undefined;
  await withTransaction(
    t.pool,
    async (client) => {
      await client.query('SELECT 1 FROM spend_budgets WHERE tenant_id = $1 AND campaign_id = $2 FOR UPDATE', [
        tenantId,
        campaignId,
      ]);
      running = work();
      await eventually(
        async () =>
          (
            await t.pool.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM spend_budgets%'",
            )
          ).rows[0]!.n,
        (n) => expect(n).toBe(waiters),
      );
    },
    { tenantId },
  );
  return running!;
}

describe('POST /campaign-executions/:campaignId/spend', () => {
  it('records an entry in the ledger with its event on the campaign_budget stream', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    const res = await spend(caller, campaignId, usd('125.40', '2026-12-09'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      campaignId,
      date: '2026-12-09',
      amount: '125.40',
      currency: 'USD',
      source: 'manual',
      limitsReached: [],
    });
    const events = await budgetEvents(caller.tenantId, campaignId);
    expect(events).toEqual([
      {
        type: 'campaign.spend_recorded',
        version: 1,
        data: expect.objectContaining({ entryId: res.json().entryId, amount: '125.40', previousAmount: null }),
      },
    ]);
  });

  it('answers a repeat of the Idempotency-Key with the first answer and records nothing', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    const first = await spend(caller, campaignId, usd('10.00'), 'invoice-17');
    const again = await spend(caller, campaignId, usd('10.00'), 'invoice-17');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const other = await spend(caller, campaignId, usd('11.00'), 'invoice-17');
    expect(other.statusCode).toBe(422);
    expect(other.json().details.rule).toBe('idempotency_key.reused');
    expect(await budgetEvents(caller.tenantId, campaignId)).toHaveLength(1);
  });

  it('records one entry for racing requests with the same key', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await spend(caller, campaignId, usd('1.00'), 'first');
    // The three pass the idempotency lookup and queue on the campaign's budget lock together.
    const answers = await whileBudgetLocked(caller.tenantId, campaignId, 3, () =>
      Promise.all([1, 2, 3].map(() => spend(caller, campaignId, usd('5.00'), 'race'))),
    );
    expect(answers.map((res) => res.statusCode)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((res) => res.json().entryId)).size).toBe(1);
    expect(await budgetEvents(caller.tenantId, campaignId)).toHaveLength(2);
  });

  it('refuses a future day, another currency, and an unknown or other tenant campaign', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    const future = await spend(caller, campaignId, usd('1.00', '2026-12-11'));
    expect(future.statusCode).toBe(400);
    expect(future.json().details.issues[0].path).toBe('date');
    const euros = await spend(caller, campaignId, { amount: '1.00', currency: 'EUR', date: '2026-12-10' });
    expect(euros.statusCode).toBe(422);
    expect(euros.json().details).toMatchObject({ rule: 'spend.currency_matches_budget', budgetCurrency: 'USD' });
    const stranger = await tenantCaller(t.key);
    expect((await spend(stranger, campaignId, usd('1.00'))).statusCode).toBe(404);
    expect((await spend(caller, '0192f5a4-0b1c-7d2e-9f30-000000000000', usd('1.00'))).statusCode).toBe(404);
    expect(await budgetEvents(caller.tenantId, campaignId)).toEqual([]);
  });

  it('needs campaigns:write, checked before the body', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET, ['viewer']);
    const res = await spend(caller, campaignId, { nonsense: true });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a manual entry past the daily cap, naming what remains', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    expect((await spend(caller, campaignId, usd('150.00'))).statusCode).toBe(201);
    const res = await spend(caller, campaignId, usd('60.00'));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'spend.within_daily_cap', cap: '200.00', spent: '150.00', remaining: '50.00', currency: 'USD' },
    });
  });

  it('reaching the daily cap records pacing_limit_reached and one pending pause', async () => {
    const { caller, campaignId } = await callerWithCampaign(t, BUDGET);
    await spend(caller, campaignId, usd('150.00'));
    const res = await spend(caller, campaignId, usd('50.00'));
    expect(res.statusCode).toBe(201);
    expect(res.json().limitsReached).toEqual([
      expect.objectContaining({
        limit: 'daily',
        period: '2026-12-10',
        spent: '200.00',
        cap: '200.00',
        action: 'paused',
      }),
    ]);
    expect((await budgetEvents(caller.tenantId, campaignId)).map((event) => event.type)).toEqual([
      'campaign.spend_recorded',
      'campaign.spend_recorded',
      'campaign.pacing_limit_reached',
    ]);
    expect(await commandRows(caller.tenantId, campaignId)).toEqual([
      { limit_kind: 'daily', period_key: '2026-12-10', action: 'pause' },
    ]);
  });
});
