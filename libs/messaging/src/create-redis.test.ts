import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './create-redis.ts';

describe('reconnectDelay', () => {
  it('backs off exponentially up to the cap and never gives up', () => {
    const delays = Array.from({ length: 40 }, (_, i) => reconnectDelay(i + 1, 2_000, () => 1));
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(delays.at(-1)).toBe(2_000);
    expect(delays.every((delay) => Number.isFinite(delay) && delay > 0 && delay <= 2_000)).toBe(true);
    expect(reconnectDelay(1_000_000, 2_000, () => 1)).toBe(2_000);
  });

  it('jitters downwards by at most 20%', () => {
    expect(reconnectDelay(10, 2_000, () => 0)).toBe(1_600);
  });
});
