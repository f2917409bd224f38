import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import type { CommandMiddleware } from '../command/middleware.ts';
import { isTransientError } from './transient-errors.ts';

/** Retries of transient infrastructure errors. */
export interface TransientRetryOptions {
  /** Retries after the first attempt; default 3. */
  maxRetries?: number;
  /** First delay of the exponential backoff (decorrelated jitter), ms; default 50. */
  initialDelayMs?: number;
  /** Longest delay, ms; default 2000. */
  maxDelayMs?: number;
  /** Which errors are transient; default isTransientError. */
  isTransient?: (error: Error) => boolean;
  /** Called before each retry (logging, metrics). */
  onRetry?: (event: { error: Error; attempt: number; delayMs: number }) => void;
}

/** A cockatiel policy retrying only transient errors with exponential backoff and jitter. */
export function transientRetryPolicy(options: TransientRetryOptions = {}): RetryPolicy {
  const policy = retry(handleWhen(options.isTransient ?? isTransientError), {
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
