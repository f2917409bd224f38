import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { decidePacing, reachedKey, type LedgerTotals, type SpendRecorded } from './pacing.ts';
import { pacingCaps, type PacingBudget } from './pacing-caps.ts';

const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const entryId = '0192f5a4-3333-7d2e-9f30-415263748596';
// Daily cap 200.00, monthly cap 3040.00, total 5000.00.
const budget: PacingBudget = {
  totalBudget: '5000.00',
  dailyBudget: '100.00',
  currency: 'USD',
  firstDay: '2026-12-01',
  lastDay: '2027-03-31',
};
const none: LedgerTotals = { day: '0', month: '0', total: '0' };

const manual = (amount: string, date = '2026-12-05'): SpendRecorded => ({
  campaignId,
  entryId,
  date,
  amount,
  previousAmount: null,
  currency: 'USD',
  source: 'manual',
  adCampaign: null,
});
const synced = (amount: string, previousAmount: string | null): SpendRecorded => ({
  ...manual(amount),
  previousAmount,
  source: 'ad_metrics',
  adCampaign: { provider: 'google_ads', externalCampaignId: '123' },
});

const decide = (entry: SpendRecorded, totals: LedgerTotals = none, reached: string[] = []) =>
  decidePacing({ budget, totals, reached: new Set(reached), entry });

function refusal(run: () => unknown): BusinessRuleViolation {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BusinessRuleViolation);
    return error as BusinessRuleViolation;
  }
  throw new Error('expected a BusinessRuleViolation');
}

describe('pacing caps', () => {
  it('are 2x and 30.4x the daily budget, and the total', () => {
    expect(pacingCaps(budget)).toEqual({
      averageDaily: '100.00',
      daily: '200.00',
      monthly: '3040.00',
      total: '5000.00',
    });
  });

  it('without a daily budget, spread the total over the schedule days, rounded down', () => {
    const spread = { ...budget, dailyBudget: null, firstDay: '2026-12-01', lastDay: '2026-12-03' };
    expect(pacingCaps({ ...spread, totalBudget: '1000.00' })).toEqual({
      averageDaily: '333.3333',
      daily: '666.6666',
      monthly: '10133.3333',
      total: '1000.00',
    });
  });

  it('without a daily budget nor an end, only the total caps', () => {
    expect(pacingCaps({ ...budget, dailyBudget: null, lastDay: null })).toEqual({
      averageDaily: null,
      daily: null,
      monthly: null,
      total: '5000.00',
    });
  });
});

describe('pacing decider', () => {
  it('records spend under every cap and acts on none', () => {
    expect(decide(manual('150.00'))).toEqual({ spendRecorded: manual('150.00'), limitsReached: [], commands: [] });
  });

  it("pauses the campaign when a day's spend reaches 2x the daily budget", () => {
    const decision = decide(manual('50.00'), { day: '150.00', month: '150.00', total: '150.00' });
    expect(decision.limitsReached).toEqual([
      {
        campaignId,
        limit: 'daily',
        period: '2026-12-05',
        spent: '200.00',
        cap: '200.00',
        currency: 'USD',
        action: 'paused',
      },
    ]);
    expect(decision.commands).toEqual([{ limit: 'daily', periodKey: '2026-12-05', action: 'pause' }]);
  });

  it('pauses at the monthly cap, naming the first day of the month', () => {
    const decision = decide(manual('40.00'), { day: '0', month: '3000.00', total: '3000.00' });
    expect(decision.limitsReached.map(({ limit, period, spent }) => ({ limit, period, spent }))).toEqual([
      { limit: 'monthly', period: '2026-12-01', spent: '3040.00' },
    ]);
    expect(decision.commands).toEqual([{ limit: 'monthly', periodKey: '2026-12', action: 'pause' }]);
  });

  it('completes the campaign at the total, and pauses nothing more then', () => {
    const decision = decide(synced('300.00', null), { day: '0', month: '3000.00', total: '4800.00' });
    expect(decision.limitsReached).toEqual([
      {
        campaignId,
        limit: 'total',
        period: '2026-12-05',
        spent: '5100.00',
        cap: '5000.00',
        currency: 'USD',
        action: 'completed',
      },
    ]);
    expect(decision.commands).toEqual([{ limit: 'total', periodKey: 'total', action: 'complete' }]);
  });

  it('does not act twice on a cap already acted on', () => {
    const totals = { day: '200.00', month: '200.00', total: '5000.00' };
    const decision = decide(synced('10.00', null), totals, [reachedKey('daily', '2026-12-05'), 'total:total']);
    expect(decision.spendRecorded).not.toBeNull();
    expect(decision.commands).toEqual([]);
  });

  it('records what a re-sync changes: the new day total replaces the previous one', () => {
    const decision = decide(synced('180.00', '120.00'), { day: '150.00', month: '150.00', total: '150.00' });
    expect(decision.spendRecorded).toEqual(synced('180.00', '120.00'));
    expect(decision.commands).toEqual([{ limit: 'daily', periodKey: '2026-12-05', action: 'pause' }]);
  });

  it('a re-sync with the same total records nothing', () => {
    expect(decide(synced('120.00', '120.00'))).toEqual({ spendRecorded: null, limitsReached: [], commands: [] });
  });

  it('always records ad metrics past a cap (the money was spent)', () => {
    const decision = decide(synced('900.00', null));
    expect(decision.spendRecorded?.amount).toBe('900.00');
    expect(decision.commands).toEqual([{ limit: 'daily', periodKey: '2026-12-05', action: 'pause' }]);
  });

  it('refuses a manual entry past a cap, naming the tightest cap and what remains', () => {
    const error = refusal(() => decide(manual('60.00'), { day: '150.00', month: '3010.00', total: '3010.00' }));
    expect(error.details).toEqual({
      rule: 'spend.within_monthly_cap',
      limit: 'monthly',
      period: '2026-12-01',
      cap: '3040.00',
      spent: '3010.00',
      remaining: '30.00',
      currency: 'USD',
    });
  });

  it('refuses any manual entry once the total is spent', () => {
    const error = refusal(() => decide(manual('0.01'), { day: '0', month: '0', total: '5000.00' }, ['total:total']));
    expect(error.details).toMatchObject({ rule: 'spend.within_total_cap', remaining: '0.00' });
  });
});
