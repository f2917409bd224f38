import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import { ExponentialBackoff, handleType, retry, type RetryPolicy } from 'cockatiel';
import type { CommandMiddleware } from '../command/middleware.ts';

/** Backoff between attempts after a lost race: short, jittered so racing writers spread out. */
export interface ConcurrencyRetryOptions {
  /** Retries used when a definition says `retryOnConcurrency: true`; default 3. */
  defaultRetries?: number;
  /** ms; default 5. */
  initialDelayMs?: number;
  /** ms; default 250. */
  maxDelayMs?: number;
}

/**
 * For definitions with `retryOnConcurrency`, runs the rest of the pipeline again after a
 * ConcurrencyError: the handler reloads the stream and decides again on the newer state
 * (validators run again too). Other definitions let the 409 through.
 */
export function retryOnConcurrency(options: ConcurrencyRetryOptions = {}): CommandMiddleware {
  const policies = new Map<number, RetryPolicy>();
  const policyFor = (retries: number) => {
    let policy = policies.get(retries);
    if (!policy) {
      const backoff = new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 5, maxDelay: options.maxDelayMs ?? 250 });
      policy = retry(handleType(ConcurrencyError), { maxAttempts: retries, backoff });
      policies.set(retries, policy);
    }
    return policy;
  };
  return (command, next, definition) => {
    const setting = definition.retryOnConcurrency;
    const retries = setting === true ? (options.defaultRetries ?? 3) : typeof setting === 'number' ? setting : 0;
    if (retries <= 0) return next(command);
    return policyFor(retries).execute(() => next(command));
  };
}
