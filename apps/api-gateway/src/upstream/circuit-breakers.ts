import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import type { BreakerStateValue, GatewayMetrics } from '../gateway-metrics.ts';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time an open breaker refuses calls before one probe is let through, ms. */
  halfOpenAfterMs: number;
}

/** 503 answered at once while a service's breaker is open; the route sets Retry-After from it. */
export class CircuitOpenError extends ServiceUnavailableError {
  constructor(
    service: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${service} is unavailable`, { service, reason: 'CIRCUIT_OPEN' });
  }
}

/**
 * A call that failed over the request body, which says nothing about the service's health: the
 * client's body went over the limit, or the service stopped reading it (it answered early and
 * closed the connection). Thrown through the breaker without counting as a failure.
 */
export class RequestBodyFailure extends Error {
  constructor(readonly failure: unknown) {
    super('request body not delivered upstream');
  }
}

export interface UpstreamBreaker {
  /**
   * Runs one upstream call. A thrown error (connection refused, reset, timeout) or an answer
   * with a 5xx status counts as a failure; the 5xx answer is still returned to be forwarded.
   * A RequestBodyFailure is rethrown and not counted.
   * Throws CircuitOpenError without calling `call` while the breaker is open.
   */
  execute<T extends { statusCode: number }>(call: () => Promise<T>): Promise<T>;
}

const exported: Record<CircuitState, BreakerStateValue> = {
  [CircuitState.Closed]: 0,
  [CircuitState.HalfOpen]: 1,
  [CircuitState.Open]: 2,
  [CircuitState.Isolated]: 2,
};

/**
 * One cockatiel breaker for a service: consecutive-failure counting, half-open after a fixed
 * delay; while half-open one request probes and the others wait for its outcome.
 */
export function createUpstreamBreaker(
  service: string,
  options: BreakerOptions,
  metrics: GatewayMetrics,
): UpstreamBreaker {
  const policy: CircuitBreakerPolicy = circuitBreaker(
    handleWhen((error) => !(error instanceof RequestBodyFailure)).orWhenResult(
      (result) => (result as { statusCode: number }).statusCode >= 500,
    ),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.failureThreshold) },
  );
  let openedAt = 0;
  policy.onBreak(() => {
    openedAt = Date.now();
  });
  policy.onStateChange((state) => metrics.breakerState(service, exported[state]));
  metrics.breakerState(service, 0);

  return {
    async execute(call) {
      try {
        return await policy.execute(call);
      } catch (err) {
        if (!isBrokenCircuitError(err)) throw err;
        const remainingMs = openedAt + options.halfOpenAfterMs - Date.now();
        throw new CircuitOpenError(service, Math.max(1, Math.ceil(remainingMs / 1000)));
      }
    },
  };
}
