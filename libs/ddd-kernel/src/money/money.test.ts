import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation, ValidationError } from '../errors.ts';
import { Money } from './money.ts';

/** Reference model: an amount is a BigInt count of 1/10000 units, written out digit by digit. */
const text = (u: bigint) => {
  const digits = (u < 0n ? -u : u).toString().padStart(5, '0');
  return `${u < 0n ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
};
const unitsOf = (m: Money) => {
  const [whole = '', fraction = ''] = m.amount.split('.');
  return BigInt(whole.replace('-', '') + fraction.padEnd(4, '0')) * (whole.startsWith('-') ? -1n : 1n);
};
const units = fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n });
const usd = (u: bigint) => Money.of(text(u), 'USD');

describe('Money', () => {
  it('parses decimal strings into a canonical amount with 2 to 4 fraction digits', () => {
    expect(Money.of('5000', 'USD')).toEqual({ amount: '5000.00', currency: 'USD' });
    expect(Money.of('0.125', 'EUR').amount).toBe('0.125');
    expect(Money.of('-0', 'EUR').amount).toBe('0.00');
    expect(Money.of('12.3400', 'EUR').amount).toBe('12.34');
    expect(Object.isFrozen(Money.of('1', 'USD'))).toBe(true);
    fc.assert(
      fc.property(units, (a) => {
        expect(unitsOf(usd(a))).toBe(a);
        expect(Money.of(usd(a).amount, 'USD')).toEqual(usd(a));
      }),
    );
  });

  it('rejects floats-in-disguise and bad codes, naming every bad part', () => {
    const issues = (amount: string, currency: string) => {
      try {
        Money.of(amount, currency);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return ((error as ValidationError).details.issues as { path: string }[]).map((i) => i.path);
      }
      return [];
    };
    expect(issues('1e3', 'usd')).toEqual(['amount', 'currency']);
    expect(issues('0.12345', 'USD')).toEqual(['amount']);
    expect(issues('007', 'USD')).toEqual(['amount']);
    expect(issues('1.5', 'USD')).toEqual([]);
  });

  it('adds and subtracts exactly, associatively and commutatively', () => {
    fc.assert(
      fc.property(units, units, units, (a, b, c) => {
        expect(Money.add(usd(a), usd(b))).toEqual(Money.of(text(a + b), 'USD'));
        expect(Money.add(Money.add(usd(a), usd(b)), usd(c))).toEqual(Money.add(usd(a), Money.add(usd(b), usd(c))));
        expect(Money.add(usd(a), usd(b))).toEqual(Money.add(usd(b), usd(a)));
        expect(Money.subtract(Money.add(usd(a), usd(b)), usd(b))).toEqual(usd(a));
      }),
    );
    expect(Money.add(Money.of('0.1', 'USD'), Money.of('0.2', 'USD')).amount).toBe('0.30');
  });

  it("multiplies by decimal factors with banker's rounding at 4 digits, by integers exactly", () => {
    expect(Money.multiply(Money.of('100.00', 'USD'), '0.15').amount).toBe('15.00');
    expect(Money.multiply(Money.of('0.0001', 'USD'), '0.5').amount).toBe('0.00');
    expect(Money.multiply(Money.of('0.0003', 'USD'), '0.5').amount).toBe('0.0002');
    expect(Money.multiply(Money.of('0.0001', 'USD'), '0.5', 'half-up').amount).toBe('0.0001');
    expect(Money.multiply(Money.of('-0.0001', 'USD'), '0.5', 'half-up').amount).toBe('-0.0001');
    fc.assert(
      fc.property(units, fc.integer({ min: -1000, max: 1000 }), (a, k) => {
        expect(Money.multiply(usd(a), k)).toEqual(Money.of(text(a * BigInt(k)), 'USD'));
      }),
    );
  });

  it('rounds to currency digits', () => {
    expect(Money.round(Money.of('2.345', 'USD'), 2).amount).toBe('2.34');
    expect(Money.round(Money.of('2.355', 'USD'), 2).amount).toBe('2.36');
    expect(Money.round(Money.of('2.345', 'USD'), 2, 'half-up').amount).toBe('2.35');
    expect(Money.round(Money.of('1234.5', 'JPY'), 0).amount).toBe('1234.00');
  });

  it('allocates parts that always add up to the whole, each within one step of its share', () => {
    expect(Money.allocate(Money.of('100.00', 'USD'), [1, 1, 1]).map((m) => m.amount)).toEqual([
      '33.34',
      '33.33',
      '33.33',
    ]);
    expect(Money.allocate(Money.of('0.05', 'USD'), [0, 3, 7]).map((m) => m.amount)).toEqual(['0.00', '0.02', '0.03']);
    fc.assert(
      fc.property(units, fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 8 }), (a, ratios) => {
        fc.pre(ratios.some((r) => r > 0));
        const parts = Money.allocate(usd(a), ratios);
        expect(Money.sum('USD', parts)).toEqual(usd(a));
        const total = BigInt(ratios.reduce((s, r) => s + r, 0));
        parts.forEach((part, i) => {
          // |part - a * ratio / total| < 2 cents (one step of truncation, one leftover step, a sub-cent remainder)
          const off = unitsOf(part) * total - a * BigInt(ratios[i] ?? 0);
          expect((off < 0n ? -off : off) < 200n * total).toBe(true);
        });
      }),
    );
  });

  it('refuses to mix currencies (422) and compares within one', () => {
    expect(() => Money.add(Money.of('1', 'USD'), Money.of('1', 'EUR'))).toThrow(BusinessRuleViolation);
    expect(Money.compare(Money.of('1.50', 'USD'), Money.of('1.5', 'USD'))).toBe(0);
    expect(Money.compare(Money.of('-2', 'USD'), Money.of('1', 'USD'))).toBe(-1);
    expect(Money.equals(Money.of('1', 'USD'), Money.of('1', 'EUR'))).toBe(false);
    expect([Money.isZero(Money.zero('USD')), Money.isNegative(Money.negate(Money.of('1', 'USD')))]).toEqual([
      true,
      true,
    ]);
  });
});
