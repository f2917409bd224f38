/**
 * A latch for "there may be new work": `wake()` from a notification, `wait()` in the loop.
 * A wake that arrives while nobody waits is remembered, so a notification received during a
 * batch makes the loop run again at once instead of sleeping a whole poll interval.
 */
export interface WakeSignal {
  wake(this: void): void;
  /** Resolves at the next wake (at once if one is pending) or after `timeoutMs`; clears it. */
  wait(timeoutMs: number): Promise<void>;
  /** Forgets a pending wake (called right before reading, which sees everything committed so far). */
  clear(): void;
  /** Whether a wake is pending, forgetting it (called right before reading, as clear). */
  take(): boolean;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      release?.();
    },
    clear() {
      pending = false;
    },
    take() {
      const was = pending;
      pending = false;
      return was;
    },
    async wait(timeoutMs) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, timeoutMs);
          release = done;
          function done() {
            clearTimeout(timer);
            release = undefined;
            resolve();
          }
        });
      }
      pending = false;
    },
  };
}
