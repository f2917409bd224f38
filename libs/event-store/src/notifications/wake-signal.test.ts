import { describe, expect, it } from 'vitest';
import { createWakeSignal } from './wake-signal.ts';

describe('createWakeSignal', () => {
  it('ends a wait early on wake, and skips the next wait after a wake while busy', async () => {
    const signal = createWakeSignal();
    // Either wait left to its timer would outlast the test's timeout.
    const waiting = signal.wait(60_000);
    signal.wake();
    await expect(waiting).resolves.toBeUndefined();
    signal.wake();
    await expect(signal.wait(60_000)).resolves.toBeUndefined();
  });

  it('forgets a pending wake on clear', async () => {
    const signal = createWakeSignal();
    signal.wake();
    signal.clear();
    const waited = await Promise.race([signal.wait(50).then(() => 'timer'), Promise.resolve('pending')]);
    expect(waited).toBe('pending');
  });

  it('take says whether a wake was pending, once', () => {
    const signal = createWakeSignal();
    expect(signal.take()).toBe(false);
    signal.wake();
    expect([signal.take(), signal.take()]).toEqual([true, false]);
  });
});
