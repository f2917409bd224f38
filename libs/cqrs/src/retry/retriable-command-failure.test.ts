import { ConcurrencyError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { isRetriableCommandFailure } from './retry-transient.ts';

const withCode = (code: string) => Object.assign(new Error('failed'), { code });

// The classification itself is libs/messaging's (its tests list every case); this is the one
// exclusion commands add to it.
describe('isRetriableCommandFailure', () => {
  it('retries what the platform classifier calls transient', () => {
    expect([withCode('40001'), withCode('40P01'), withCode('ECONNRESET')].map(isRetriableCommandFailure)).toEqual([true, true, true]);
  });

  it('never retries a downstream that is down, nor a version conflict', () => {
    expect(isRetriableCommandFailure(new ServiceUnavailableError('circuit open'))).toBe(false);
    expect(isRetriableCommandFailure(new ConcurrencyError(1, 2))).toBe(false);
  });
});
