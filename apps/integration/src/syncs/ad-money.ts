/** The catalogue's money amounts carry at most 4 decimals (moneyAmount in libs/event-schemas). */
const MONEY_SCALE = 4;

/**
 * Google Ads money (int64 micros as a decimal string, e.g. "123450000") as a decimal string of
 * currency units ("123.45"), computed in integers: at least 2 decimals, trailing zeros dropped.
 * Amounts finer than 4 decimals (not billable in any currency Google Ads supports) are rounded
 * half to even at the 4th.
 */
export function microsToAmount(micros: string): string {
  if (!/^\d{1,19}$/.test(micros)) throw new RangeError(`not a non-negative micros amount: ${micros}`);
  const step = 10n ** BigInt(6 - MONEY_SCALE);
  let scaled = BigInt(micros) / step;
  const remainder = BigInt(micros) % step;
  if (remainder * 2n > step || (remainder * 2n === step && scaled % 2n === 1n)) scaled += 1n;
  const unit = 10n ** BigInt(MONEY_SCALE);
  // Of the 4 decimals, the 3rd and 4th go when they are zeros: "120.5000" -> "120.50".
  const fraction = (scaled % unit)
    .toString()
    .padStart(MONEY_SCALE, '0')
    .replace(/0{1,2}$/, '');
  return `${(scaled / unit).toString()}.${fraction}`;
}

/** Sums micros strings exactly (a campaign may come in several rows of one day). */
export function addMicros(a: string, b: string): string {
  return (BigInt(a) + BigInt(b)).toString();
}

/**
 * Google Ads conversions (a double, fractional under data-driven attribution) as a decimal string
 * with at most 6 decimals: the double's shortest decimal form, rounded at the 6th decimal.
 */
export function conversionsToDecimal(conversions: number): string {
  if (!Number.isFinite(conversions) || conversions < 0 || conversions >= 1e15)
    throw new RangeError(`not a conversions count: ${conversions}`);
  const fixed = conversions.toFixed(6).replace(/\.?0+$/, '');
  return fixed === '' ? '0' : fixed;
}

/** int64 counters come as decimal strings in Google Ads JSON. */
export function countOf(value: string | number): number {
  const count = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not a count: ${String(value)}`);
  return count;
}
