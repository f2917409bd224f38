import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { CommandMiddleware } from '../command/middleware.ts';
import { fingerprint } from './fingerprint.ts';
import type { IdempotencyStore } from './idempotency-store.ts';

/**
 * Honours `metadata.idempotencyKey`: the first successful result for a (tenant, command type,
 * key) is stored and returned for every repeat without running the command again. Failures are
 * not stored, so a client may retry a failed request with the same key. Reusing a key for a
 * different request is a BUSINESS_RULE_VIOLATION (422). Two racing duplicates may both run;
 * both answer with the first stored result, and the decider's own idempotency (a repeated
 * command yields no events) or the stream version keeps the second from changing anything.
 */
export function idempotency(store: IdempotencyStore): CommandMiddleware {
  return async (command, next) => {
    const key = command.metadata.idempotencyKey;
    if (key === undefined) return next(command);
    const scoped = { tenantId: command.metadata.tenantId ?? null, commandType: command.type, key };
    const request = fingerprint({ type: command.type, data: command.data });
    const existing = await store.get(scoped);
    if (existing) return resultFor(existing, request, key);
    const result = await next(command);
    const stored = await store.put(scoped, { fingerprint: request, result });
    return stored.fingerprint === request ? stored.result : result;
  };
}

function resultFor(record: { fingerprint: string; result: unknown }, request: string, key: string): unknown {
  if (record.fingerprint !== request) {
    throw new BusinessRuleViolation('idempotency_key.reused', 'This Idempotency-Key was already used with a different request', {
      idempotencyKey: key,
    });
  }
  return record.result;
}
