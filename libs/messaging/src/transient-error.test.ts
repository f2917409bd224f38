import {
  BusinessRuleViolation,
  ConcurrencyError,
  ServiceUnavailableError,
  ValidationError,
} from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { isTransientError } from './transient-error.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientError', () => {
  it.each([
    ['serialization failure', withCode('40001')],
    ['deadlock', withCode('40P01')],
    ['lock timeout', withCode('55P03')],
    ['statement timeout', withCode('57014')],
    ['connection failure (class 08)', withCode('08006')],
    ['server shutting down', withCode('57P01')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['connection refused on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
    ['pg connection loss', new Error('Connection terminated unexpectedly')],
    ['pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis closed connection', new Error('Connection is closed.')],
    ['Redis failover', new Error("READONLY You can't write against a read only replica.")],
    [
      'ioredis giving up while reconnecting',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['wrapped connection loss', new Error('query failed', { cause: withCode('40001') })],
    ['dependency down', new ServiceUnavailableError('Publishing failed')],
  ])('classifies a %s as transient', (_, error) => expect(isTransientError(error)).toBe(true));

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['missing table', withCode('42P01')],
    [
      'business rule over a transient cause',
      Object.assign(new BusinessRuleViolation('r', 'm'), { cause: withCode('40001') }),
    ],
    ['version conflict', new ConcurrencyError(3, 4)],
    ['validation error', new ValidationError('bad', [])],
    ['mixed aggregate', new AggregateError([withCode('ECONNREFUSED'), withCode('23505')])],
    ['plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['non-error value', 'boom'],
    ['error code as a bare string', 'ECONNRESET'],
    ['nothing', undefined],
  ])('classifies a %s as permanent', (_, error) => expect(isTransientError(error)).toBe(false));
});
