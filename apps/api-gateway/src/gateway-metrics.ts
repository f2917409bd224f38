import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Breaker state as exported: 0 closed, 1 half-open, 2 open. */
export type BreakerStateValue = 0 | 1 | 2;

/**
 * What the gateway adds to service-kit's metrics: per-upstream outcomes and latency, breaker
 * states and rate-limit rejections. Labels are bounded (nine services, a few classes, scopes).
 */
export interface GatewayMetrics {
  /** `outcome`: the upstream's status code, `error` (no answer: refused, reset, timeout) or `circuit_open` (not sent). */
  upstreamAnswered(service: string, outcome: number | 'error' | 'circuit_open', seconds?: number): void;
  breakerState(service: string, state: BreakerStateValue): void;
  rateLimited(scope: string): void;
  /** A limiter call failed (Redis down or slow) and the request went through unchecked. */
  rateLimitFailedOpen(scope: string): void;
  /** Counts of a scope could not be added to Redis's; they are enforced by this replica alone. */
  rateLimitSyncFailed(scope: string): void;
}

const statusClass = (outcome: number | 'error' | 'circuit_open') =>
  typeof outcome === 'number' ? `${Math.floor(outcome / 100)}xx` : outcome;

export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const requests = new Counter({
    name: 'gateway_upstream_requests_total',
    help: 'Forwarded requests by upstream service and outcome (2xx..5xx, error = no answer, circuit_open = not sent)',
    labelNames: ['upstream', 'status_class'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_upstream_duration_seconds',
    help: 'Time from forwarding a request to the upstream answer headers, seconds',
    labelNames: ['upstream'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const breakers = new Gauge({
    name: 'gateway_circuit_breaker_state',
    help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open',
    labelNames: ['upstream'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'gateway_rate_limited_total',
    help: 'Requests answered 429 by the gateway, by limit scope (ip, credentials, tenant)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const failedOpen = new Counter({
    name: 'gateway_rate_limit_failed_open_total',
    help: 'Requests let through unchecked because the rate limiter (Redis) failed, by limit scope',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const syncFailed = new Counter({
    name: 'gateway_rate_limit_sync_failures_total',
    help: 'Failed syncs of rate-limit counts to Redis (those counts hold in this replica only), by limit scope',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  return {
    upstreamAnswered(service, outcome, seconds) {
      requests.inc({ upstream: service, status_class: statusClass(outcome) });
      if (seconds !== undefined) latency.observe({ upstream: service }, seconds);
    },
    breakerState: (service, state) => breakers.set({ upstream: service }, state),
    rateLimited: (scope) => limited.inc({ scope }),
    rateLimitFailedOpen: (scope) => failedOpen.inc({ scope }),
    rateLimitSyncFailed: (scope) => syncFailed.inc({ scope }),
  };
}
