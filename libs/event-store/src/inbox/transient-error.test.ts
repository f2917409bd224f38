import { ConcurrencyError, ServiceUnavailableError, ValidationError } from '@bizosaas/ddd-kernel';
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
    ['connection reset', withCode('ECONNRESET')],
    ['pg connection loss', new Error('Connection terminated unexpectedly')],
    ['pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['version conflict', new ConcurrencyError(3, 4)],
    ['dependency down', new ServiceUnavailableError('Publishing failed')],
  ])('retries a %s', (_, error) => expect(isTransientError(error)).toBe(true));

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['validation error', new ValidationError('bad', [])],
    ['plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['non-error value', 'boom'],
  ])('does not retry a %s', (_, error) => expect(isTransientError(error)).toBe(false));
});
