import { describe, expect, it } from 'vitest';
import type { PacingBudget } from '../spend/pacing-caps.ts';
import { projectSpend, type LedgerSummary } from './projected-spend.ts';

const budget = (fields: Partial<PacingBudget> = {}): PacingBudget => ({
  totalBudget: '1000.00',
  dailyBudget: '50.00',
  currency: 'EUR',
  firstDay: '2026-12-01',
  lastDay: '2027-01-31',
  ...fields,
});
const at = (day: string) => new Date(`${day}T15:30:00.000Z`);
const ledger = (total: string, firstDay: string, lastDay: string): LedgerSummary => ({ total, firstDay, lastDay });

describe('projected spend', () => {
  it('without a ledger: the daily budget times the horizon days inside the schedule', () => {
    expect(projectSpend(budget(), null, at('2026-12-07'), 10)).toEqual({ amount: '500.00', currency: 'EUR' });
    expect(projectSpend(budget(), null, at('2027-01-25'), 30)?.amount).toBe('350.00');
    expect(projectSpend(budget(), null, at('2026-11-25'), 10)?.amount).toBe('200.00');
    expect(projectSpend(budget(), null, at('2027-02-02'), 10)?.amount).toBe('0.00');
  });

  it('caps the projection at the total budget', () => {
    expect(projectSpend(budget(), null, at('2026-12-07'), 30)?.amount).toBe('1000.00');
  });

  it('without a daily budget, spreads the total over the schedule; open-ended with neither: null', () => {
    const spread = budget({ totalBudget: '3100', dailyBudget: null, lastDay: '2026-12-31' });
    expect(projectSpend(spread, null, at('2026-12-07'), 5)?.amount).toBe('500.00');
    expect(projectSpend(budget({ dailyBudget: null, lastDay: null }), null, at('2026-12-07'), 5)).toBeNull();
    expect(projectSpend(budget({ lastDay: null }), null, at('2026-12-07'), 5)?.amount).toBe('250.00');
  });

  it("with a ledger: its average daily spend times the schedule's days left, capped by what remains", () => {
    const soFar = ledger('300.00', '2026-12-01', '2026-12-06');
    expect(projectSpend(budget({ lastDay: '2026-12-16' }), soFar, at('2026-12-07'), 5)?.amount).toBe('500.00');
    expect(projectSpend(budget(), soFar, at('2026-12-07'), 5)?.amount).toBe('700.00');
    const uneven = ledger('100.00', '2026-12-04', '2026-12-06');
    expect(projectSpend(budget({ lastDay: '2026-12-16' }), uneven, at('2026-12-07'), 5)?.amount).toBe('333.3333');
    expect(projectSpend(budget({ lastDay: null, dailyBudget: null }), soFar, at('2026-12-07'), 10)?.amount).toBe(
      '500.00',
    );
  });

  it('projects nothing once the ledger has spent the total', () => {
    const spent = ledger('1000.00', '2026-12-01', '2026-12-06');
    expect(projectSpend(budget(), spent, at('2026-12-07'), 30)?.amount).toBe('0.00');
  });
});
