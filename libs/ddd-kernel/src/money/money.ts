import { BusinessRuleViolation, ValidationError, type FieldIssue } from '../errors.ts';
import { divideRounded, formatUnits, parseFactor, parseUnits, quantumOf, type Rounding } from './decimal.ts';
import { allocateUnits } from './allocate.ts';

declare const checked: unique symbol;

/**
 * An exact amount of one currency: the amount is a canonical decimal string ("5000.00", the
 * form events and JSON carry), computed with BigInt at 4 fraction digits, never with floats.
 */
export type Money = { readonly amount: string; readonly currency: string } & { readonly [checked]: true };

const CURRENCY = /^[A-Z]{3}$/;

const make = (units: bigint, currency: string): Money =>
  Object.freeze({ amount: formatUnits(units), currency }) as Money;

function unitsOf(money: Money): bigint {
  const units = parseUnits(money.amount, false);
  if (units === undefined) throw new TypeError(`Not a Money amount: ${JSON.stringify(money.amount)}`);
  return units;
}

function sameCurrency(a: Money, b: Money, operation: string): string {
  if (a.currency !== b.currency) {
    throw new BusinessRuleViolation('money.same_currency', `Cannot ${operation} ${a.currency} and ${b.currency}`, {
      currencies: [a.currency, b.currency],
    });
  }
  return a.currency;
}

/** Parses a decimal string and an ISO 4217 code; throws a ValidationError naming each bad part. */
function of(amount: string, currency: string): Money {
  const units = typeof amount === 'string' ? parseUnits(amount) : undefined;
  const issues: FieldIssue[] = [];
  if (units === undefined)
    issues.push({ path: 'amount', message: 'must be a decimal string with up to 4 fraction digits, e.g. "5000.00"' });
  if (typeof currency !== 'string' || !CURRENCY.test(currency))
    issues.push({ path: 'currency', message: 'must be an ISO 4217 code such as "USD"' });
  if (units === undefined || issues.length > 0) throw new ValidationError('Invalid money', issues);
  return make(units, currency);
}

const add = (a: Money, b: Money): Money => make(unitsOf(a) + unitsOf(b), sameCurrency(a, b, 'add'));

/** `money` times `factor` ("0.15", "1.075", or a safe integer), rounded to 4 fraction digits. */
function multiply(money: Money, factor: string | number, rounding: Rounding = 'half-even'): Money {
  const ratio = parseFactor(factor);
  if (!ratio)
    throw new ValidationError('Invalid factor', [
      { path: 'factor', message: 'must be a decimal string or a safe integer' },
    ]);
  return make(divideRounded(unitsOf(money) * ratio.numerator, ratio.denominator, rounding), money.currency);
}

/** Rounds to `fractionDigits` (0-4), e.g. 2 for cents before charging a card. */
function round(money: Money, fractionDigits: number, rounding: Rounding = 'half-even'): Money {
  const quantum = quantumOf(fractionDigits);
  return make(divideRounded(unitsOf(money), quantum, rounding) * quantum, money.currency);
}

/**
 * Splits `money` by non-negative integer `ratios` in steps of 10^-fractionDigits; the parts
 * always add up to `money` exactly.
 */
function allocate(money: Money, ratios: readonly number[], fractionDigits = 2): Money[] {
  return allocateUnits(unitsOf(money), ratios, quantumOf(fractionDigits)).map((units) => make(units, money.currency));
}

function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b, 'compare');
  const difference = unitsOf(a) - unitsOf(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

/** Money's operations; every binary one requires both sides in the same currency (422 otherwise). */
export const Money = {
  of,
  zero: (currency: string): Money => of('0', currency),
  add,
  subtract: (a: Money, b: Money): Money => make(unitsOf(a) - unitsOf(b), sameCurrency(a, b, 'subtract')),
  negate: (money: Money): Money => make(-unitsOf(money), money.currency),
  sum: (currency: string, amounts: Iterable<Money>): Money =>
    [...amounts].reduce((total, m) => add(total, m), of('0', currency)),
  multiply,
  round,
  allocate,
  compare,
  equals: (a: Money, b: Money): boolean => a.currency === b.currency && a.amount === b.amount,
  isZero: (money: Money): boolean => unitsOf(money) === 0n,
  isNegative: (money: Money): boolean => unitsOf(money) < 0n,
} as const;
