import { AppError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';

// SQLSTATEs of a failure that another attempt, in a new transaction, may not hit.
const TRANSIENT_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

/** Node socket and DNS errors of a connection that may work on the next attempt. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg and ioredis errors that carry no code, recognised by their stable messages. */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/, // pg: the server closed the connection
  /^timeout exceeded when trying to connect/, // pg Pool
  /^Client has encountered a connection error/, // pg
  /^Connection is closed\.?$/, // ioredis
  /^(READONLY|LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN) /, // Redis replies during failover or start-up
];
const TRANSIENT_NAMES = new Set(['MaxRetriesPerRequestError']); // ioredis gave up on a command while reconnecting

/**
 * True for infrastructure failures: PostgreSQL conflicts, lock and statement timeouts and lost
 * connections (SQLSTATE class 08), socket errors, Redis failover, and the kernel's
 * ServiceUnavailableError (a downstream service is down). Other kernel errors (validation,
 * business rules, concurrency) and anything else are about the work itself, never transient.
 */
export function isTransientError(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  if (error instanceof AppError) return error instanceof ServiceUnavailableError;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((inner) => isTransientError(inner, depth + 1));
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || NETWORK_CODES.has(code)) return true;
  }
  if (TRANSIENT_NAMES.has(error.name) || TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  return error.cause !== undefined && isTransientError(error.cause, depth + 1);
}
