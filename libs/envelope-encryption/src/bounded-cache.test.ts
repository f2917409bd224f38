import { describe, expect, it } from 'vitest';
import { createBoundedCache } from './bounded-cache.ts';

describe('the bounded key cache', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const cache = createBoundedCache<number>({ maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it('forgets entries after ttlMs', () => {
    let now = 1_000;
    const cache = createBoundedCache<string>({ maxEntries: 10, ttlMs: 500, now: () => now });
    cache.set('tenant', 'v1');
    now += 499;
    expect(cache.get('tenant')).toBe('v1');
    now += 1;
    expect(cache.get('tenant')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
