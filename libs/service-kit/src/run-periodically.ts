export interface PeriodicJob {
  /** Clears the timer and resolves when the run in hand (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `job` at once and then `intervalMs` after each run ends, so runs never overlap (a slow
 * run delays the next instead of piling up). A failed run goes to `onError` and the schedule
 * goes on. The timer does not keep the process alive.
 */
export function runPeriodically(
  job: () => Promise<void>,
  options: { intervalMs: number; onError: (error: unknown) => void },
): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = job()
      .catch(options.onError)
      .then(() => {
        if (stopped) return;
        timer = setTimeout(run, options.intervalMs);
        timer.unref();
      });
  };
  run();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
