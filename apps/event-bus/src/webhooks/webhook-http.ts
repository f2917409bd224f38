import { createOutboundHttp, type AddressPolicy, type OutboundHttp } from '@bizosaas/outbound-http';
import type { BusMetrics } from '../bus-metrics.ts';

/** Where refusals are logged: the service's logger. */
export interface RefusalLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * The delivery worker's HTTP: libs/outbound-http under the service's address policy, connect
 * timeout as long as an attempt's, every refusal counted and logged.
 */
export function createWebhookHttp(
  policy: AddressPolicy,
  timeoutMs: number,
  metrics: BusMetrics,
  log: RefusalLog,
): OutboundHttp {
  return createOutboundHttp({
    policy,
    connectTimeoutMs: timeoutMs,
    onRefused: (refusal, stage) => {
      metrics.refused(refusal.rule, stage);
      log.warn({ ...refusal, stage }, 'webhook request refused by the outbound address policy');
    },
  });
}
