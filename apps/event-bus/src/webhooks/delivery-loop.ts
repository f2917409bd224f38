import type { AttemptOutcome } from './delivery-worker.ts';

/**
 * Runs `runDue` every `pollMs`, and at once when woken (new deliveries); passes never overlap,
 * and a wake during a pass runs another right after it.
 */
export function startDeliveryLoop(options: {
  runDue: () => Promise<AttemptOutcome[]>;
  pollMs: number;
  onError: (error: unknown) => void;
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
        await options.runDue().catch(options.onError);
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
