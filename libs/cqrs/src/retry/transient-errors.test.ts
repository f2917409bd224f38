import { BusinessRuleViolation, ConcurrencyError, ServiceUnavailableError, ValidationError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { isTransientError } from './transient-errors.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it('retries serialization failures, deadlocks, lost connections and Redis failover', () => {
    const transient = [
      withCode('40001', 'could not serialize access due to concurrent update'),
      withCode('40P01', 'deadlock detected'),
      withCode('08006', 'connection failure'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('ECONNRESET', 'read ECONNRESET'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection is closed.'),
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
      new Error("READONLY You can't write against a read only replica."),
      new Error('query failed', { cause: withCode('40001') }),
    ];
    expect(transient.filter((error) => !isTransientError(error))).toEqual([]);
  });

  it('never retries kernel errors or permanent database errors', () => {
    const permanent: unknown[] = [
      new ConcurrencyError(1, 2),
      new BusinessRuleViolation('r', 'm'),
      new ValidationError('bad', []),
      new ServiceUnavailableError('circuit open'),
      Object.assign(new BusinessRuleViolation('r', 'm'), { cause: withCode('40001') }),
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('42P01', 'relation does not exist'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('23505')]),
      new Error('boom'),
      'ECONNRESET',
      undefined,
    ];
    expect(permanent.filter((error) => isTransientError(error))).toEqual([]);
  });
});
