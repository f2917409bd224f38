import type { IdempotencyKey, IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

/**
 * An IdempotencyStore in one process's memory, for tests and single-replica tools. It keeps
 * results as JSON text, as a database would, so callers see the same copies and types.
 */
export function createInMemoryIdempotencyStore(): IdempotencyStore {
  const records = new Map<string, string>();
  const id = (key: IdempotencyKey) => JSON.stringify([key.tenantId, key.commandType, key.key]);
  const read = (text: string | undefined) => (text === undefined ? undefined : (JSON.parse(text) as IdempotencyRecord));
  return {
    get: async (key) => read(records.get(id(key))),
    async put(key, record) {
      const existing = records.get(id(key));
      if (existing !== undefined) return JSON.parse(existing) as IdempotencyRecord;
      const text = JSON.stringify({ fingerprint: record.fingerprint, result: record.result ?? null });
      records.set(id(key), text);
      return JSON.parse(text) as IdempotencyRecord;
    },
  };
}
