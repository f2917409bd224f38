/**
 * The platform's error vocabulary. Domain and application code throw these; the one error
 * handler in service-kit turns them into `{ error, message, details }` with `status`.
 */
export type ErrorDetails = Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** One entry per bad field; `path` is dotted (`contactInfo.email`), `location` says where it was. */
export interface FieldIssue {
  path: string;
  message: string;
  location?: 'body' | 'query' | 'params' | 'headers' | 'env';
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super('VALIDATION_ERROR', 400, message, { issues });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', details: ErrorDetails = {}) {
    super('UNAUTHENTICATED', 401, message, details);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Not allowed', details: ErrorDetails = {}) {
    super('FORBIDDEN', 403, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', details: ErrorDetails = {}) {
    super('NOT_FOUND', 404, message, details);
  }
}

/** Another tenant's entity: answered exactly like a missing one (404), never revealing it exists. */
export class TenantIsolationError extends AppError {
  constructor(tenantId: string) {
    super('TENANT_ISOLATION_VIOLATION', 404, 'Entity not found or access denied', { tenantId });
  }
}

export class ConcurrencyError extends AppError {
  constructor(expectedVersion: number, actualVersion: number) {
    super('CONCURRENCY_EXCEPTION', 409, 'Entity was modified by another process', {
      expectedVersion,
      actualVersion,
    });
  }
}

export class BusinessRuleViolation extends AppError {
  constructor(rule: string, message: string, details: ErrorDetails = {}) {
    super('BUSINESS_RULE_VIOLATION', 422, message, { rule, ...details });
  }
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    details: ErrorDetails = {},
  ) {
    super('RATE_LIMITED', 429, 'Too many requests', { retryAfterSeconds, ...details });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('SERVICE_UNAVAILABLE', 503, message, details);
  }
}
