/**
 * A bounded map that forgets the least recently used entry first (a Map keeps insertion order,
 * so a read moves its entry to the end and the first key is the oldest).
 */
export function createLruCache<V>(maxEntries: number) {
  const entries = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key: string, value: V): void {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    get size() {
      return entries.size;
    },
  };
}

export type LruCache<V> = ReturnType<typeof createLruCache<V>>;
