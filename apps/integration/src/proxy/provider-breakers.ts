import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { AppError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { ReadinessCheck } from '@bizosaas/service-kit';

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

export interface BreakerOptions {
  /** Consecutive failures (thrown network errors, 5xx answers) that open a breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before one probe goes through, ms. Default 30 s. */
  halfOpenAfterMs?: number;
}

/** One cockatiel breaker per provider, in this process. */
export interface ProviderBreakers {
  /**
   * Runs one call to a provider through its breaker (`breaker` names it: the built-in key, or
   * tenant/key for a tenant's own provider; `provider` is the key errors name). A 5xx answer is
   * returned and counts as a failure; a thrown network error counts and becomes 503
   * SERVICE_UNAVAILABLE; the platform's own errors (AppError) pass through uncounted. While the
   * breaker is open: 503 without calling.
   */
  execute<T extends { status: number }>(breaker: string, provider: string, call: () => Promise<T>): Promise<T>;
  /** Every breaker used so far and its state. */
  states(): Record<string, BreakerState>;
}

export function createProviderBreakers(options: BreakerOptions = {}): ProviderBreakers {
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  const policies = new Map<string, CircuitBreakerPolicy>();
  const policyOf = (name: string) => {
    let policy = policies.get(name);
    if (!policy) {
      policy = circuitBreaker(
        handleWhen((error) => !(error instanceof AppError)).orWhenResult(
          (result) => (result as { status: number }).status >= 500,
        ),
        { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5) },
      );
      policies.set(name, policy);
    }
    return policy;
  };
  return {
    async execute(breaker, provider, call) {
      try {
        return await policyOf(breaker).execute(call);
      } catch (error) {
        if (isBrokenCircuitError(error))
          throw new ServiceUnavailableError(`${provider} is unavailable: its circuit breaker is open`, {
            provider,
            reason: 'circuit_open',
            retryAfterSeconds: Math.ceil(halfOpenAfterMs / 1000),
          });
        if (error instanceof AppError) throw error;
        throw new ServiceUnavailableError(`${provider} did not answer`, { provider, reason: reasonOf(error) });
      }
    },
    states: () => Object.fromEntries([...policies].map(([name, policy]) => [name, STATE[policy.state]])),
  };
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

/**
 * `/ready` component: each provider breaker's state. Always up: an open breaker stops calls to
 * that one provider, the service itself keeps serving everything else.
 */
export function proxyReadiness(breakers: ProviderBreakers): ReadinessCheck {
  return async () => {
    const states = breakers.states();
    return {
      details: {
        breakers: states,
        open: Object.keys(states).filter((name) => states[name] === 'open' || states[name] === 'isolated'),
        note: 'An open breaker stops proxied calls to that provider only; the service stays up.',
      },
    };
  };
}
