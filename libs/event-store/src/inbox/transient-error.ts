// SQLSTATEs worth retrying in a new transaction: nothing about the event is wrong.
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

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

// Application errors from the kernel: another writer got there first, or a dependency is down.
const TRANSIENT_APP_CODES = new Set(['CONCURRENCY_EXCEPTION', 'SERVICE_UNAVAILABLE']);

/**
 * True for errors a retry may cure: PostgreSQL conflicts, lock and statement timeouts,
 * connection loss (SQLSTATE class 08, node network errors, pg's "Connection terminated"),
 * and the kernel's ConcurrencyError / ServiceUnavailableError. Anything else (a bug, a
 * validation or business error) fails the delivery at once.
 */
export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    if (NETWORK_CODES.has(code) || TRANSIENT_APP_CODES.has(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(error.message);
}
