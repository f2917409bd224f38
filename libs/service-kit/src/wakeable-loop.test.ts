import { describe, expect, it } from 'vitest';
import { createWakeableLoop } from './wakeable-loop.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('createWakeableLoop', () => {
  it('runs again at once while busy, waits when idle, and a wake during a pass is not lost', async () => {
    let passes = 0;
    let release: (() => void) | undefined;
    const loop = createWakeableLoop(
      async () => {
        passes += 1;
        if (passes === 3) await new Promise<void>((resolve) => (release = resolve));
        return passes < 3;
      },
      { idleMs: 60_000, onError: () => {} },
    );
    loop.start();
    while (!release) await tick();
    expect(passes).toBe(3);
    // Woken while pass 3 runs: pass 4 follows without the idle wait.
    loop.wake();
    release();
    while (passes < 4) await tick();
    await tick();
    expect(passes).toBe(4);
    loop.wake();
    while (passes < 5) await tick();
    await loop.stop();
    expect(passes).toBe(5);
  });

  it('reports a failed pass and goes on', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const loop = createWakeableLoop(
      async () => {
        passes += 1;
        if (passes === 1) throw new Error('down');
        return false;
      },
      { idleMs: 1, onError: (error) => errors.push(error) },
    );
    loop.start();
    while (passes < 2) await tick();
    await loop.stop();
    expect(errors).toEqual([new Error('down')]);
  });
});
