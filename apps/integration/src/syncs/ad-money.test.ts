import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMicros, conversionsToDecimal, countOf, microsToAmount } from './ad-money.ts';

describe('microsToAmount', () => {
  it('turns micros into currency units exactly, keeping at least two decimals', () => {
    expect(microsToAmount('123450000')).toBe('123.45');
    expect(microsToAmount('120500000')).toBe('120.50');
    expect(microsToAmount('0')).toBe('0.00');
    expect(microsToAmount('10000')).toBe('0.01');
    expect(microsToAmount('1234500')).toBe('1.2345');
    expect(microsToAmount('1230000')).toBe('1.23');
    expect(microsToAmount('1231000')).toBe('1.231');
    // int64 range: beyond a double's 2^53 without losing a digit.
    expect(microsToAmount('9007199254740993000')).toBe('9007199254740.993');
  });

  it('rounds amounts finer than 4 decimals half to even', () => {
    expect(microsToAmount('1000050')).toBe('1.00');
    expect(microsToAmount('1000150')).toBe('1.0002');
    expect(microsToAmount('1000051')).toBe('1.0001');
    expect(microsToAmount('1000049')).toBe('1.00');
  });

  it('refuses what is not a non-negative integer string', () => {
    for (const bad of ['-1', '1.5', '', '1e6', '12345678901234567890'])
      expect(() => microsToAmount(bad)).toThrow(RangeError);
  });

  it('is exact for every amount of whole cents (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), (cents) => {
        const amount = microsToAmount((cents * 10_000n).toString());
        const [whole, fraction] = amount.split('.');
        expect(BigInt(whole!) * 100n + BigInt(fraction!)).toBe(cents);
        expect(fraction).toHaveLength(2);
      }),
    );
  });

  it('sums micros without a float', () => {
    expect(addMicros('9007199254740993', '1')).toBe('9007199254740994');
  });
});

describe('conversions and counts', () => {
  it('writes conversions as a decimal string of at most 6 decimals', () => {
    expect(conversionsToDecimal(12.5)).toBe('12.5');
    expect(conversionsToDecimal(0)).toBe('0');
    expect(conversionsToDecimal(100)).toBe('100');
    expect(conversionsToDecimal(1 / 3)).toBe('0.333333');
    expect(() => conversionsToDecimal(-1)).toThrow(RangeError);
  });

  it('reads int64 counters given as strings', () => {
    expect(countOf('12000')).toBe(12000);
    expect(countOf(3)).toBe(3);
    expect(() => countOf('9007199254740993')).toThrow(RangeError);
    expect(() => countOf('x')).toThrow(RangeError);
  });
});
