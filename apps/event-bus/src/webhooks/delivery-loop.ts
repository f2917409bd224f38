import type { AttemptOutcome } from './delivery-worker.ts';

/**
 * Runs `runDue` every `pollMs`, and at once when woken (new deliveries); passes never overlap,
 * and a pass that found work, or a wake during a pass, runs another right after it.
 */
export function startDeliveryLoop(options: {
  runDue: () => Promise<AttemptOutcome[]>;
  pollMs: number;
  onError: (error: unknown) => void;
  /** Told of every pass that completed (readiness). */
  onPass?: () => void;
}): { wake(): void; stop(): Promise<void> } {
  let stopped = false;
  let again = false;
  let running: Promise<void> | undefined;
  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        // A pass that found work may have left more due (it claims a batch): look again at once.
        const outcomes = await options.runDue().catch((error: unknown) => void options.onError(error));
        if (outcomes) options.onPass?.();
        if (outcomes && outcomes.length > 0) again = true;
      } while (again && !stopped);
    })().finally(() => (running = undefined));
  };
  const timer = setInterval(wake, options.pollMs);
  timer.unref();
  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
