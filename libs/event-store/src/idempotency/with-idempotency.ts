import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { fingerprint } from './fingerprint.ts';
import type { IdempotencyKey, IdempotencyStore } from './idempotency-store.ts';

/**
 * Runs `work` once per (tenant, command type, Idempotency-Key): the first successful result is
 * stored and returned for every repeat without running again. Failures are not stored, so a
 * client may retry a failed request with the same key. The same key with a different request
 * is BUSINESS_RULE_VIOLATION `idempotency_key.reused` (422). Two racing duplicates may both
 * run; both answer with the first stored result, and the decider's own idempotency or the
 * stream version keeps the second from changing anything. Results must be JSON values.
 */
export async function withIdempotency<R>(
  store: IdempotencyStore,
  key: IdempotencyKey | undefined,
  request: unknown,
  work: () => Promise<R>,
): Promise<R> {
  if (key === undefined) return work();
  const print = fingerprint(request);
  const existing = await store.get(key);
  if (existing) return replay<R>(existing, print, key.key);
  const result = await work();
  const stored = await store.put(key, { fingerprint: print, result });
  // The store holds what `work` returned for this very request (as JSON): the same R.
  return stored.fingerprint === print ? (stored.result as R) : result;
}

function replay<R>(record: { fingerprint: string; result: unknown }, print: string, key: string): R {
  if (record.fingerprint !== print) {
    throw new BusinessRuleViolation(
      'idempotency_key.reused',
      'This Idempotency-Key was already used with a different request',
      { idempotencyKey: key },
    );
  }
  return record.result as R;
}
