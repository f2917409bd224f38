/**
 * Exact decimal arithmetic for money: amounts are BigInt counts of 1/10^SCALE of the currency
 * unit ("5000.25" -> 50002500n). SCALE 4 covers every ISO 4217 currency and the event schemas'
 * amounts (up to 4 fraction digits).
 */
export const SCALE = 4;
export const UNITS_PER_ONE = 10n ** BigInt(SCALE);

/** Ties go to the even neighbour (banker's rounding) or away from zero. */
export type Rounding = 'half-even' | 'half-up';

/** Input: up to 20 integer digits, no leading zeros, up to 4 fraction digits, optional minus. */
const AMOUNT = /^(-?)(0|[1-9]\d{0,19})(?:\.(\d{1,4}))?$/;
/** Computed amounts are unbounded. */
const ANY_AMOUNT = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,4}))?$/;
const FACTOR = /^(-?)(\d{1,20})(?:\.(\d{1,20}))?$/;

/**
 * The amount in units, or undefined when it is not a decimal string of the accepted shape.
 * `bounded` (the default, for input) also caps the integer digits at 20.
 */
export function parseUnits(amount: string, bounded = true): bigint | undefined {
  const match = (bounded ? AMOUNT : ANY_AMOUNT).exec(amount);
  if (!match) return undefined;
  const [, sign, whole = '0', fraction = ''] = match;
  const units = BigInt(whole) * UNITS_PER_ONE + BigInt(fraction.padEnd(SCALE, '0'));
  return sign === '-' ? -units : units;
}

/** Canonical text: 2 to 4 fraction digits ("5000.00", "0.1250" -> "0.125"), never "-0.00". */
export function formatUnits(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / UNITS_PER_ONE;
  const fraction = (magnitude % UNITS_PER_ONE).toString().padStart(SCALE, '0');
  const trimmed = trimFraction(fraction);
  return `${negative ? '-' : ''}${whole}.${trimmed}`;
}

function trimFraction(fraction: string): string {
  let end = fraction.length;
  while (end > 2 && fraction[end - 1] === '0') end -= 1;
  return fraction.slice(0, end);
}

/** A multiplier as an exact ratio: "0.15" -> 15/100, 3 -> 3/1. Numbers must be safe integers. */
export function parseFactor(factor: string | number): { numerator: bigint; denominator: bigint } | undefined {
  if (typeof factor === 'number') {
    return Number.isSafeInteger(factor) ? { numerator: BigInt(factor), denominator: 1n } : undefined;
  }
  const match = FACTOR.exec(factor);
  if (!match) return undefined;
  const [, sign, whole = '0', fraction = ''] = match;
  const numerator = BigInt(whole + fraction) * (sign === '-' ? -1n : 1n);
  return { numerator, denominator: 10n ** BigInt(fraction.length) };
}

/** 10^(SCALE - fractionDigits): the step of an amount rounded to `fractionDigits` (0 to SCALE). */
export function quantumOf(fractionDigits: number): bigint {
  if (!Number.isInteger(fractionDigits) || fractionDigits < 0 || fractionDigits > SCALE) {
    throw new RangeError(`fractionDigits must be an integer from 0 to ${SCALE}`);
  }
  return 10n ** BigInt(SCALE - fractionDigits);
}

/** numerator / denominator (denominator > 0) rounded to an integer. */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const away = quotient + (numerator < 0n ? -1n : 1n);
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice > denominator) return away;
  if (twice < denominator) return quotient;
  if (rounding === 'half-up') return away;
  return quotient % 2n === 0n ? quotient : away;
}
