import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCommandBus } from '../command/command-bus.ts';
import { defineCommand } from '../command/command-definition.ts';
import { createInMemoryIdempotencyStore } from './in-memory-idempotency-store.ts';

const now = new Date('2025-03-01T10:00:00Z');

/** A bus whose handler answers with a new serial each run, failing when told to. */
function serialBus() {
  const runs = { count: 0 };
  const bus = createCommandBus({ idempotencyStore: createInMemoryIdempotencyStore(), transientRetry: false }).register(
    defineCommand({
      type: 'invoice.issue',
      schema: z.object({ amount: z.string(), fail: z.boolean().default(false) }),
      handle: async (command) => {
        runs.count += 1;
        if (command.data.fail) throw new BusinessRuleViolation('invoice.test_failure', 'asked to fail');
        return { invoiceNumber: runs.count, amount: command.data.amount };
      },
    }),
  );
  const issue = (data: { amount: string; fail?: boolean }, idempotencyKey?: string, tenantId = 't-1') =>
    bus.execute({ type: 'invoice.issue', data, metadata: { now, tenantId, ...(idempotencyKey ? { idempotencyKey } : {}) } });
  return { runs, issue };
}

describe('Idempotency-Key', () => {
  it('returns the first result for a repeated key without running the command again', async () => {
    const { runs, issue } = serialBus();
    const first = await issue({ amount: '10.00' }, 'k-1');
    expect(await issue({ amount: '10.00' }, 'k-1')).toEqual(first);
    expect(await issue({ amount: '10.00' }, 'k-1')).toEqual({ invoiceNumber: 1, amount: '10.00' });
    expect(runs.count).toBe(1);
  });

  it('runs again for another key, another tenant, or no key', async () => {
    const { runs, issue } = serialBus();
    await issue({ amount: '10.00' }, 'k-1');
    await issue({ amount: '10.00' }, 'k-2');
    await issue({ amount: '10.00' }, 'k-1', 't-2');
    await issue({ amount: '10.00' });
    await issue({ amount: '10.00' });
    expect(runs.count).toBe(5);
  });

  it('refuses a key reused for a different request (422), whatever the key order of the data', async () => {
    const { issue } = serialBus();
    await issue({ amount: '10.00', fail: false }, 'k-1');
    await expect(issue({ fail: false, amount: '10.00' }, 'k-1')).resolves.toEqual({ invoiceNumber: 1, amount: '10.00' });
    const error = await issue({ amount: '99.00' }, 'k-1').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BusinessRuleViolation);
    expect((error as BusinessRuleViolation).details).toEqual({ rule: 'idempotency_key.reused', idempotencyKey: 'k-1' });
  });

  it('stores no failure: the same key may be retried after an error', async () => {
    const { runs, issue } = serialBus();
    await expect(issue({ amount: '10.00', fail: true }, 'k-1')).rejects.toBeInstanceOf(BusinessRuleViolation);
    await expect(issue({ amount: '10.00', fail: true }, 'k-1')).rejects.toBeInstanceOf(BusinessRuleViolation);
    expect(runs.count).toBe(2);
  });
});
