import type { ConsumerSignal } from '@bizosaas/messaging';

export interface WorkerHealth {
  started(): void;
  stopped(): void;
  /** A loop pass, or a consumer's entry, completed. */
  succeeded(): void;
  failed(error: unknown): void;
  /** Resolves while the worker does its work; throws, saying why, when it does not. */
  check(): Promise<void>;
}

export interface WorkerHealthOptions {
  /** Named in the error of a failed check. */
  name: string;
  /** Longest tolerated silence (loops) or run of failures (consumers). */
  staleAfterMs: number;
  /**
   * A loop works in passes even when idle, so a pass missing for `staleAfterMs` means it is
   * stuck; a stream consumer is silent while no events arrive, so only its failures count.
   */
  expectPasses: boolean;
  now?: () => number;
}

/** What `/ready` knows of one background worker: started and not stopped, not stuck, not failing for too long. */
export function createWorkerHealth(options: WorkerHealthOptions): WorkerHealth {
  const now = options.now ?? Date.now;
  let state: 'not started' | 'running' | 'stopped' = 'not started';
  let lastSuccessAt = now();
  let failingSince: number | undefined;
  let lastError: string | undefined;
  const down = (reason: string) =>
    new Error(`${options.name}: ${reason}${lastError ? ` (last error: ${lastError})` : ''}`);
  return {
    started() {
      state = 'running';
      lastSuccessAt = now();
    },
    stopped: () => void (state = 'stopped'),
    succeeded() {
      lastSuccessAt = now();
      failingSince = undefined;
      lastError = undefined;
    },
    failed(error) {
      failingSince ??= now();
      lastError = error instanceof Error ? error.message : String(error);
    },
    async check() {
      if (state !== 'running') throw down(state);
      const at = now();
      if (options.expectPasses && at - lastSuccessAt > options.staleAfterMs) {
        throw down(`no pass completed for ${at - lastSuccessAt} ms`);
      }
      if (failingSince !== undefined && at - failingSince > options.staleAfterMs) {
        throw down(`failing for ${at - failingSince} ms`);
      }
    },
  };
}

/**
 * Feeds a stream consumer's signals to its health. A dead-lettered entry counts as moving on:
 * the consumer is past it, and the dead letter is visible in its own stream and the logs.
 */
export function observeConsumer(health: WorkerHealth, signal: ConsumerSignal): void {
  if (signal.kind === 'handled' || signal.kind === 'dead_lettered') health.succeeded();
  if (signal.kind === 'failed' || signal.kind === 'batch_failed') health.failed(signal.error);
}
