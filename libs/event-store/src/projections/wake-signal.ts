/** A sleep that `wake()` cuts short: the polling fallback of a loop woken by notifications. */
export interface WakeSignal {
  sleep(ms: number): Promise<void>;
  wake(): void;
}

export function createWakeSignal(): WakeSignal {
  let pending = false;
  let resolveSleep: (() => void) | undefined;
  return {
    sleep(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolveSleep = undefined;
          resolve();
        }
        resolveSleep = done;
      });
    },
    wake() {
      if (resolveSleep) resolveSleep();
      else pending = true; // a wake while working: run again at once instead of sleeping
    },
  };
}
