import { describe, expect, it } from 'vitest';
import type { IdempotencyKey, IdempotencyStore } from './idempotency-store.ts';

/**
 * The behaviour every IdempotencyStore must have. Call it from the implementation's test file:
 * `idempotencyStoreContract('postgres', async () => ({ store, cleanup }))`.
 */
export function idempotencyStoreContract(
  name: string,
  setup: () => Promise<{ store: IdempotencyStore; cleanup?: () => Promise<void> }>,
): void {
  let serial = 0;
  const keyOf = (over: Partial<IdempotencyKey> = {}): IdempotencyKey => ({
    tenantId: '0195f0a0-0000-7000-8000-000000000001',
    commandType: 'lead.qualify',
    key: `key-${process.pid}-${Date.now()}-${(serial += 1)}`,
    ...over,
  });
  const withStore = (test: (store: IdempotencyStore) => Promise<void>) => async () => {
    const { store, cleanup } = await setup();
    try {
      await test(store);
    } finally {
      await cleanup?.();
    }
  };

  describe(`IdempotencyStore contract: ${name}`, () => {
    it(
      'has nothing for an unknown key',
      withStore(async (store) => {
        expect(await store.get(keyOf())).toBeUndefined();
      }),
    );

    it(
      'returns what was stored, as JSON',
      withStore(async (store) => {
        const key = keyOf();
        const result = { leadId: 'a', version: 3, tags: ['x', null], nested: { ok: true, score: 12.5 } };
        expect(await store.put(key, { fingerprint: 'f1', result })).toEqual({ fingerprint: 'f1', result });
        expect(await store.get(key)).toEqual({ fingerprint: 'f1', result });
        await store.put(keyOf({ key: `${key.key}-null` }), { fingerprint: 'f0', result: null });
        expect(await store.get(keyOf({ key: `${key.key}-null` }))).toEqual({ fingerprint: 'f0', result: null });
      }),
    );

    it(
      'keeps the first record for a key: a later put returns it unchanged',
      withStore(async (store) => {
        const key = keyOf();
        await store.put(key, { fingerprint: 'first', result: { n: 1 } });
        expect(await store.put(key, { fingerprint: 'second', result: { n: 2 } })).toEqual({
          fingerprint: 'first',
          result: { n: 1 },
        });
        expect(await store.get(key)).toEqual({ fingerprint: 'first', result: { n: 1 } });
      }),
    );

    it(
      'lets exactly one of racing puts win and answers all of them with it',
      withStore(async (store) => {
        const key = keyOf();
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.put(key, { fingerprint: `f${i}`, result: { i } })),
        );
        const winner = await store.get(key);
        expect(winner).toBeDefined();
        expect(answers.every((answer) => answer.fingerprint === winner?.fingerprint)).toBe(true);
      }),
    );

    it(
      'scopes keys by tenant and command type',
      withStore(async (store) => {
        const key = keyOf();
        await store.put(key, { fingerprint: 'f', result: 1 });
        expect(await store.get({ ...key, tenantId: '0195f0a0-0000-7000-8000-000000000002' })).toBeUndefined();
        expect(await store.get({ ...key, tenantId: null })).toBeUndefined();
        expect(await store.get({ ...key, commandType: 'lead.convert' })).toBeUndefined();
      }),
    );
  });
}
