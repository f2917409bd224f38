import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { CommandMiddleware } from '../command/middleware.ts';
import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { isTransientError } from '@bizosaas/messaging';

/** Retries of transient infrastructure errors. */
export interface TransientRetryOptions {
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** First delay of the exponential backoff (decorrelated jitter), ms; default 50. */
  initialDelayMs?: number;
  /** Longest delay, ms; default 2000. */
  maxDelayMs?: number;
  /** Which errors are transient; default isRetriableCommandFailure. */
  isTransient?: (error: Error) => boolean;
  /** Called before each retry (logging, metrics). */
  onRetry?: (event: { error: Error; attempt: number; delayMs: number }) => void;
}

/**
 * libs/messaging's classifier minus ServiceUnavailableError: a command waits on a caller, and a
 * downstream that is down stays down for longer than the few retries a request can afford.
 */
export const isRetriableCommandFailure = (error: Error) => isTransientError(error) && !(error instanceof ServiceUnavailableError);

/** A cockatiel policy retrying only transient errors with exponential backoff and jitter. */
export function transientRetryPolicy(options: TransientRetryOptions = {}): RetryPolicy {
  const policy = retry(handleWhen(options.isTransient ?? isRetriableCommandFailure), {
    maxAttempts: options.maxRetries ?? 3,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 50, maxDelay: options.maxDelayMs ?? 2000 }),
  });
  const { onRetry } = options;
  if (onRetry) {
    policy.onRetry((event) => {
      if ('error' in event) onRetry({ error: event.error, attempt: event.attempt, delayMs: event.delay });
    });
  }
  return policy;
}

/**
 * Runs the rest of the pipeline again after a transient infrastructure error (serialization
 * failure, deadlock, lost connection); after the last retry the error surfaces unchanged.
 * Kernel errors pass through at once.
 */
export function retryTransient(options: TransientRetryOptions = {}): CommandMiddleware {
  const policy = transientRetryPolicy(options);
  return (command, next) => policy.execute(() => next(command));
}
