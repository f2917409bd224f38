export interface WakeableLoop {
  start(): void;
  /** Something became due: run a pass now instead of after the idle wait (never lost mid-pass). */
  wake(): void;
  /** Lets the pass in hand finish. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` again and again: at once while it reports more work (true), else after `idleMs` or
 * as soon as `wake()` is called, also when the wake came while a pass was running. A failed pass
 * goes to `onError` and counts as idle. One pass at a time.
 */
export function createWakeableLoop(
  pass: () => Promise<boolean>,
  options: { idleMs: number; onError: (error: unknown) => void },
): WakeableLoop {
  let running = false;
  let woken = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.idleMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run(): Promise<void> {
    while (running) {
      // A wake from here on (during the pass) means one more pass.
      woken = false;
      let busy = false;
      try {
        busy = await pass();
      } catch (error) {
        options.onError(error);
      }
      if (busy || woken) continue;
      await idle();
      wakeUp = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
