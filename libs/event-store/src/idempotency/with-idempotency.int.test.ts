import { randomUUID } from 'node:crypto';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchSchema, type Scratch } from '../store/test-support.ts';
import { createPgIdempotencyStore } from './pg-idempotency-store.ts';
import { withIdempotency } from './with-idempotency.ts';

let scratch: Scratch;
beforeAll(async () => {
  scratch = await scratchSchema('with_idempotency');
});
afterAll(() => scratch.drop());

/** Work answering a new serial each run, failing when told to. */
function serialWork() {
  const runs = { count: 0 };
  const work =
    (fail = false) =>
    async () => {
      runs.count += 1;
      if (fail) throw new BusinessRuleViolation('invoice.test_failure', 'asked to fail');
      return { invoiceNumber: runs.count };
    };
  return { runs, work };
}

describe('withIdempotency on the PostgreSQL store', () => {
  const store = () => createPgIdempotencyStore({ pool: scratch.app, schema: scratch.schema });
  const keyOf = (tenantId: string, key: string) => ({ tenantId, commandType: 'invoice.issue', key });

  it('returns the first result for a repeated key without running again; no key runs every time', async () => {
    const { runs, work } = serialWork();
    const key = keyOf(randomUUID(), 'k-1');
    const first = await withIdempotency(store(), key, { amount: '10.00' }, work());
    expect(await withIdempotency(store(), key, { amount: '10.00' }, work())).toEqual(first);
    expect(runs.count).toBe(1);
    await withIdempotency(store(), undefined, { amount: '10.00' }, work());
    await withIdempotency(store(), keyOf(randomUUID(), 'k-1'), { amount: '10.00' }, work());
    expect(runs.count).toBe(3);
  });

  it('refuses the key with another request (422 idempotency_key.reused), whatever the key order of the first', async () => {
    const { work } = serialWork();
    const key = keyOf(randomUUID(), 'k-2');
    await withIdempotency(store(), key, { amount: '10.00', currency: 'USD' }, work());
    expect(await withIdempotency(store(), key, { currency: 'USD', amount: '10.00' }, work())).toEqual({
      invoiceNumber: 1,
    });
    await expect(withIdempotency(store(), key, { amount: '99.00', currency: 'USD' }, work())).rejects.toMatchObject({
      code: 'BUSINESS_RULE_VIOLATION',
      status: 422,
      details: { rule: 'idempotency_key.reused', idempotencyKey: 'k-2' },
    });
  });

  it('stores no failure: the same key runs again after one', async () => {
    const { runs, work } = serialWork();
    const key = keyOf(randomUUID(), 'k-3');
    await expect(withIdempotency(store(), key, {}, work(true))).rejects.toBeInstanceOf(BusinessRuleViolation);
    expect(await withIdempotency(store(), key, {}, work())).toEqual({ invoiceNumber: 2 });
    expect(runs.count).toBe(2);
  });
});
