import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation, ConcurrencyError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { isRetriableCommandFailure, retryOnConflict, retryTransient } from './retries.ts';

const withCode = (code: string) => Object.assign(new Error('failed'), { code });

/** Work that throws each of `failures` in turn, then answers how many attempts it took. */
function attempts(...failures: Error[]) {
  let count = 0;
  return async () => {
    count += 1;
    const failure = failures[count - 1];
    if (failure) throw failure;
    return count;
  };
}

// The classification itself is libs/messaging's (its tests list every case); this is the one exclusion commands add.
describe('isRetriableCommandFailure', () => {
  it('retries what the platform classifier calls transient', () => {
    expect([withCode('40001'), withCode('40P01'), withCode('ECONNRESET')].map(isRetriableCommandFailure)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('never retries a downstream that is down, nor a version conflict', () => {
    expect(isRetriableCommandFailure(new ServiceUnavailableError('circuit open'))).toBe(false);
    expect(isRetriableCommandFailure(new ConcurrencyError(1, 2))).toBe(false);
  });
});

describe('retry wrappers', () => {
  it('retryTransient runs again after a deadlock and lets a rule violation through at once', async () => {
    expect(await retryTransient(attempts(withCode('40P01'), withCode('40001')))).toBe(3);
    const refused = new BusinessRuleViolation('lead.qualify.requires_open', 'closed');
    await expect(retryTransient(attempts(refused))).rejects.toBe(refused);
  });

  it('retryOnConflict runs again after a lost race, and surfaces the last conflict after three retries', async () => {
    expect(await retryOnConflict(attempts(new ConcurrencyError(1, 2)))).toBe(2);
    const conflicts = Array.from({ length: 4 }, (_, i) => new ConcurrencyError(i, i + 1));
    await expect(retryOnConflict(attempts(...conflicts))).rejects.toBe(conflicts[3]);
  });
});
