import { describe, expect, it } from 'vitest';
import { runPeriodically } from './run-periodically.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runPeriodically', () => {
  it('runs at once, again after each interval, never two runs at a time, and stop waits for the run in hand', async () => {
    let runs = 0;
    let active = 0;
    let overlapped = false;
    let release!: () => void;
    const job = runPeriodically(
      async () => {
        runs += 1;
        active += 1;
        overlapped ||= active > 1;
        if (runs === 3) await new Promise<void>((resolve) => (release = resolve)); // a slow run
        active -= 1;
      },
      { intervalMs: 1, onError: () => {} },
    );
    expect(runs).toBe(1);
    while (runs < 3) await tick();
    const stopping = job.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await tick();
    expect(stopped).toBe(false); // the third run is still going
    release();
    await stopping;
    await tick();
    expect({ runs, overlapped }).toEqual({ runs: 3, overlapped: false });
  });

  it('reports a failed run and keeps the schedule', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const job = runPeriodically(
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('database down');
      },
      { intervalMs: 1, onError: (error) => errors.push(error) },
    );
    while (runs < 2) await tick();
    await job.stop();
    expect(errors).toEqual([new Error('database down')]);
  });
});
