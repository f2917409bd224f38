import { ValidationError } from '@bizosaas/ddd-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CampaignBudget, CampaignSchedule } from './campaign-values.ts';

function issuesOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.details.issues;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** Non-negative decimal strings with 0-4 fraction digits, zero included. */
const amount = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 4 }))
  .map(([units, digits]) => {
    const text = units.toString().padStart(digits + 1, '0');
    return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  });

/** Exact comparison in 1/10,000 units (no floats). */
const units = (text: string) => {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0'));
};

describe('CampaignBudget', () => {
  it('keeps canonical decimal strings and the currency', () => {
    expect(CampaignBudget.create({ totalBudget: '10000', dailyBudget: '500.5', currency: 'EUR' })).toEqual({
      totalBudget: '10000.00',
      dailyBudget: '500.50',
      currency: 'EUR',
    });
  });

  it('accepts a daily budget equal to the total', () => {
    expect(CampaignBudget.create({ totalBudget: '0.0001', dailyBudget: '0.0001', currency: 'USD' }).dailyBudget).toBe(
      '0.0001',
    );
  });

  it('refuses numbers, negative amounts and bad currencies, naming each field', () => {
    expect(
      issuesOf(() =>
        CampaignBudget.create({ totalBudget: 100, dailyBudget: '-1', currency: 'dollars' }, { path: 'budget' }),
      ),
    ).toEqual([
      { path: 'budget.totalBudget', message: expect.any(String) },
      { path: 'budget.dailyBudget', message: expect.any(String) },
      { path: 'budget.currency', message: expect.any(String) },
    ]);
  });

  it('accepts a budget exactly when both amounts are positive and daily <= total', () => {
    fc.assert(
      fc.property(amount, amount, (totalBudget, dailyBudget) => {
        const valid = units(totalBudget) > 0n && units(dailyBudget) > 0n && units(dailyBudget) <= units(totalBudget);
        let accepted: CampaignBudget | undefined;
        try {
          accepted = CampaignBudget.create({ totalBudget, dailyBudget, currency: 'USD' });
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
        expect(accepted !== undefined).toBe(valid);
        if (accepted) {
          expect(units(accepted.dailyBudget)).toBe(units(dailyBudget));
          expect(units(accepted.totalBudget)).toBe(units(totalBudget));
        }
      }),
    );
  });
});

describe('CampaignSchedule', () => {
  it('normalises instants to UTC and allows an open end', () => {
    expect(CampaignSchedule.create({ startDate: '2025-03-01T02:00:00+02:00', endDate: null })).toEqual({
      startDate: '2025-03-01T00:00:00.000Z',
      endDate: null,
    });
  });

  it('refuses an end at or before the start, and dates without a time', () => {
    expect(
      issuesOf(() => CampaignSchedule.create({ startDate: '2025-03-01T00:00:00Z', endDate: '2025-03-01T00:00:00Z' })),
    ).toEqual([{ path: 'endDate', message: 'must be after startDate' }]);
    expect(
      issuesOf(() => CampaignSchedule.create({ startDate: '2025-03-01', endDate: '2025-03-31T00:00:00Z' })),
    ).toEqual([{ path: 'startDate', message: expect.any(String) }]);
  });

  it('accepts a schedule exactly when the end is after the start', () => {
    const instant = fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, (start, end) => {
        const input = { startDate: start.toISOString(), endDate: end.toISOString() };
        if (end > start) expect(CampaignSchedule.create(input)).toEqual(input);
        else expect(() => CampaignSchedule.create(input)).toThrow(ValidationError);
      }),
    );
  });
});
