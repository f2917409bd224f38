import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalFor, budgetShift } from './budget-guardrail.ts';
import type { OptimizationChange } from './campaign-optimization-schemas.ts';

const change = (
  kind: OptimizationChange['kind'],
  previousValue: string | null,
  newValue: string | null,
): OptimizationChange => ({
  kind,
  channel: 'google_ads',
  description: `${kind} on search`,
  previousValue,
  newValue,
});
const limit = (maxBudgetShiftPerDay: string | null) => ({ maxBudgetShiftPerDay });

describe('approvalFor', () => {
  it('lets budget moves up to the limit through, in either direction, and the limit itself', () => {
    const changes = [
      change('budget_reallocation', '300.00', '550.00'),
      change('budget_reallocation', '550.00', '300.00'),
    ];
    expect(approvalFor(changes, limit('250.00'))).toBeUndefined();
  });

  it('asks for a move of one cent over the limit, naming it', () => {
    expect(approvalFor([change('budget_reallocation', '300.00', '550.01')], limit('250.00'))).toEqual({
      reason:
        'The optimisation moves the budget of google_ads by 250.01 (300.00 -> 550.01), over the limit of 250 per day.',
    });
  });

  it('computes in decimals, where binary floating point would cross the limit', () => {
    // In binary floating point 1.10 - 0.80 is 0.30000000000000004, over a limit of 0.30.
    expect(approvalFor([change('budget_reallocation', '0.80', '1.10')], limit('0.30'))).toBeUndefined();
    expect(approvalFor([change('budget_reallocation', '0.80', '1.11')], limit('0.30'))).toBeDefined();
  });

  it('counts a budget change whose values are not amounts as over the limit', () => {
    for (const [before, after] of [
      ['300.00', '+20%'],
      [null, '400.00'],
      ['300.00', '1e2'],
      ['Infinity', '0'],
    ] as const)
      expect(
        approvalFor([change('budget_reallocation', before, after)], limit('1000000')),
        `${before} -> ${after}`,
      ).toMatchObject({
        reason: expect.stringContaining('not a decimal') as string,
      });
  });

  it('asks for every budget change when the tenant set no limit, or a limit that is no amount', () => {
    const small = [change('budget_reallocation', '300.00', '300.01')];
    expect(approvalFor(small, limit(null))?.reason).toContain('with no limit set');
    expect(approvalFor(small, limit('lots'))?.reason).toContain('with no limit set');
  });

  it('asks for any paused channel, whatever the budget', () => {
    expect(approvalFor([change('channel_paused', null, null)], limit('1000'))).toEqual({
      reason: 'The optimisation pauses google_ads.',
    });
  });

  it('lets other kinds through without looking at their values', () => {
    const others = (['bid_adjustment', 'audience_change', 'schedule_change', 'creative_change'] as const).map((kind) =>
      change(kind, '1.20', '9000'),
    );
    expect(approvalFor(others, limit(null))).toBeUndefined();
  });

  it('names every change that needs a person', () => {
    const changes = [
      change('budget_reallocation', '100', '900'),
      change('bid_adjustment', '1', '2'),
      change('channel_paused', null, null),
    ];
    expect(approvalFor(changes, limit('50'))?.reason).toBe(
      'The optimisation moves the budget of google_ads by 800 (100 -> 900), over the limit of 50 per day; pauses google_ads.',
    );
  });

  it('asks exactly when some budget move exceeds the limit (cents compared as integers)', () => {
    const cents = fc.integer({ min: 0, max: 10_000_000 });
    const amount = (value: number) => `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
    fc.assert(
      fc.property(fc.array(fc.tuple(cents, cents), { maxLength: 5 }), cents, (moves, max) => {
        const changes = moves.map(([from, to]) => change('budget_reallocation', amount(from), amount(to)));
        const over = moves.some(([from, to]) => Math.abs(to - from) > max);
        expect(approvalFor(changes, limit(amount(max))) !== undefined).toBe(over);
      }),
    );
  });
});

describe('budgetShift', () => {
  it('is the absolute difference of the two amounts, or null when one is not an amount', () => {
    expect(budgetShift(change('budget_reallocation', '420.50', '300.25'))?.toFixed()).toBe('120.25');
    expect(budgetShift(change('budget_reallocation', ' 300 ', '300.0'))?.toFixed()).toBe('0');
    expect(budgetShift(change('budget_reallocation', '300', 'USD 400'))).toBeNull();
  });
});
