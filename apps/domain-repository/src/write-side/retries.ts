import { ExponentialBackoff, handleType, handleWhen, retry } from 'cockatiel';
import { ConcurrencyError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { isTransientError } from '@bizosaas/messaging';

/**
 * libs/messaging's classifier minus ServiceUnavailableError: a command waits on a caller, and a
 * downstream that is down stays down for longer than the few retries a request can afford.
 */
export const isRetriableCommandFailure = (error: Error): boolean =>
  isTransientError(error) && !(error instanceof ServiceUnavailableError);

// Lost races retry soon and jittered, so racing writers spread out.
const conflictRetry = retry(handleType(ConcurrencyError), {
  maxAttempts: 3,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 250 }),
});
const transientRetry = retry(handleWhen(isRetriableCommandFailure), {
  maxAttempts: 3,
  backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 2000 }),
});

/**
 * Runs `work` again after a lost race (ConcurrencyError), so it reloads the stream and decides on
 * the newer state. Not for a command that names the version it saw: that 409 is the answer.
 */
export function retryOnConflict<R>(work: () => Promise<R>): Promise<R> {
  return conflictRetry.execute(() => work());
}

/**
 * Runs `work` again, in a new transaction, after a transient infrastructure error (serialization
 * failure, deadlock, lost connection); after the last retry the error surfaces unchanged.
 * Kernel errors are never transient.
 */
export function retryTransient<R>(work: () => Promise<R>): Promise<R> {
  return transientRetry.execute(() => work());
}
