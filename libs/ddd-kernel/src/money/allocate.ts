/**
 * Splits `total` units by integer `ratios` in steps of `quantum` units. Each part gets its
 * truncated share; the steps lost to truncation go one each to the first parts with a non-zero
 * ratio, and a remainder smaller than one step to the first of those, so the parts sum to `total`.
 */
export function allocateUnits(total: bigint, ratios: readonly number[], quantum: bigint): bigint[] {
  if (ratios.length === 0 || ratios.some((r) => !Number.isSafeInteger(r) || r < 0) || ratios.every((r) => r === 0)) {
    throw new RangeError('ratios must be non-negative safe integers, not all zero');
  }
  const steps = total / quantum;
  const weights = ratios.map(BigInt);
  const weightSum = weights.reduce((sum, w) => sum + w, 0n);
  const shares = weights.map((w) => (steps * w) / weightSum);
  let left = steps - shares.reduce((sum, s) => sum + s, 0n);
  const unit = left < 0n ? -1n : 1n;
  const parts = shares.map((share, index) => {
    if (left === 0n || weights[index] === 0n) return share * quantum;
    left -= unit;
    return (share + unit) * quantum;
  });
  const first = weights.findIndex((w) => w > 0n);
  parts[first] = (parts[first] ?? 0n) + (total - steps * quantum);
  return parts;
}
