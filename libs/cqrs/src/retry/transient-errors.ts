import { AppError } from '@bizosaas/ddd-kernel';

/** SQLSTATEs worth another try: serialization failure, deadlock, connection loss, server restarting, too many connections. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '53300']);
const CONNECTION_EXCEPTION_CLASS = '08';

/** Node socket and DNS errors of a connection that may work on the next attempt. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** pg and ioredis errors that carry no code, recognised by their stable messages. */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/, // pg: server closed the connection
  /^timeout exceeded when trying to connect/, // pg Pool
  /^Connection is closed\.?$/, // ioredis
  /^(READONLY|LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN) /, // Redis replies during failover or start-up
];
const TRANSIENT_NAMES = new Set(['MaxRetriesPerRequestError']); // ioredis gave up on a command while reconnecting

/**
 * True for infrastructure failures that another attempt may not hit (PostgreSQL serialization
 * failures and deadlocks, lost connections, Redis failover). Kernel errors (validation, business
 * rules, concurrency, not found, ...) are never transient: retrying cannot change their outcome.
 */
export function isTransientError(error: unknown, depth = 0): boolean {
  if (error instanceof AppError || !(error instanceof Error) || depth > 3) return false;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((inner) => isTransientError(inner, depth + 1));
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SYSTEM_CODES.has(code)) return true;
    if (code.length === 5 && code.startsWith(CONNECTION_EXCEPTION_CLASS)) return true;
  }
  if (TRANSIENT_NAMES.has(error.name) || TRANSIENT_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  return error.cause !== undefined && isTransientError(error.cause, depth + 1);
}
