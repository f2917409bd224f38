import type { ReadinessCheck } from '@bizosaas/service-kit';
import { createWorkerHealth, type WorkerHealth } from './worker-health.ts';

export interface BackgroundHealth {
  /** The webhook delivery loop (passes every poll interval). */
  deliveryLoop: WorkerHealth;
  /** The `event-bus.webhooks` consumers turning events into deliveries. */
  fanOut: WorkerHealth;
  /** The `event-bus.archive` consumers. */
  archive: WorkerHealth;
  /** `/ready` components: `delivery-worker` (loop and fan-out) and `archive`. */
  readiness: Record<string, ReadinessCheck>;
  stopped(): void;
}

/**
 * A pass sends its deliveries concurrently, each bounded by the webhook timeout (headers, then
 * body), and passes come at least every poll interval: silence well beyond both is a stuck loop.
 */
export const defaultStaleAfterMs = (config: {
  EVENTBUS_WEBHOOK_TIMEOUT_MS: number;
  EVENTBUS_DELIVERY_POLL_MS: number;
}) => 2 * config.EVENTBUS_WEBHOOK_TIMEOUT_MS + 3 * config.EVENTBUS_DELIVERY_POLL_MS + 10_000;

export function createBackgroundHealth(options: { staleAfterMs: number; now?: () => number }): BackgroundHealth {
  const health = (name: string, expectPasses: boolean) =>
    createWorkerHealth({
      name,
      expectPasses,
      staleAfterMs: options.staleAfterMs,
      ...(options.now ? { now: options.now } : {}),
    });
  const deliveryLoop = health('delivery loop', true);
  const fanOut = health('fan-out', false);
  const archive = health('archive consumers', false);
  return {
    deliveryLoop,
    fanOut,
    archive,
    readiness: {
      'delivery-worker': async () => void (await Promise.all([deliveryLoop.check(), fanOut.check()])),
      archive: () => archive.check(),
    },
    stopped() {
      for (const worker of [deliveryLoop, fanOut, archive]) worker.stopped();
    },
  };
}
