import { describe, expect, it } from 'vitest';
import {
  AppError,
  BusinessRuleViolation,
  ConcurrencyError,
  NotFoundError,
  RateLimitedError,
  TenantIsolationError,
  ValidationError,
} from './errors.ts';

describe('kernel errors', () => {
  it('carry the code, status and details of DESIGN.md', () => {
    const cases: [AppError, string, number][] = [
      [new ValidationError('bad', [{ path: 'email', message: 'invalid', location: 'body' }]), 'VALIDATION_ERROR', 400],
      [new NotFoundError(), 'NOT_FOUND', 404],
      [new TenantIsolationError('00000000-0000-4000-8000-000000000001'), 'TENANT_ISOLATION_VIOLATION', 404],
      [new ConcurrencyError(5, 7), 'CONCURRENCY_EXCEPTION', 409],
      [
        new BusinessRuleViolation('lead.convert.requires_qualified', 'Cannot convert', { currentStatus: 'new' }),
        'BUSINESS_RULE_VIOLATION',
        422,
      ],
      [new RateLimitedError(3), 'RATE_LIMITED', 429],
    ];
    for (const [error, code, status] of cases) {
      expect(error).toBeInstanceOf(AppError);
      expect([error.code, error.status]).toEqual([code, status]);
    }
  });

  it('name the versions of a conflict and the rule and state of a violation', () => {
    expect(new ConcurrencyError(5, 7).details).toEqual({ expectedVersion: 5, actualVersion: 7 });
    expect(new BusinessRuleViolation('r', 'm', { currentStatus: 'new' }).details).toEqual({
      rule: 'r',
      currentStatus: 'new',
    });
    expect(new ValidationError('bad', [{ path: 'a', message: 'b' }]).details).toEqual({
      issues: [{ path: 'a', message: 'b' }],
    });
  });

  it('answers another tenant exactly like a missing entity (404) without naming the owner', () => {
    const error = new TenantIsolationError('00000000-0000-4000-8000-000000000001');
    expect(error.status).toBe(new NotFoundError().status);
    expect(error.message).toBe('Entity not found or access denied');
    expect(error.name).toBe('TenantIsolationError');
  });
});
