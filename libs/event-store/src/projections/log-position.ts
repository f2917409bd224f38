import type { GlobalCheckpoint } from '../store/types.ts';

/** Orders two log positions: negative when `a` comes first in commit order. */
export function compareLogPositions(a: GlobalCheckpoint, b: GlobalCheckpoint): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  const byPosition = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return byPosition === 0n ? 0 : byPosition < 0n ? -1 : 1;
}
