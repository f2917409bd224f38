/**
 * A least-recently-used map of at most `maxEntries`, entries optionally expiring `ttlMs` after
 * they were set. Holds unwrapped data keys, so its bound is also a bound on key material in memory.
 */
export function createBoundedCache<V>(options: { maxEntries: number; ttlMs?: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key: string): V | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry); // most recently used goes last
      return entry.value;
    },
    set(key: string, value: V): void {
      entries.delete(key);
      entries.set(key, { value, expiresAt: options.ttlMs === undefined ? Infinity : now() + options.ttlMs });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    },
    delete: (key: string) => void entries.delete(key),
    get size() {
      return entries.size;
    },
  };
}

export type BoundedCache<V> = ReturnType<typeof createBoundedCache<V>>;
