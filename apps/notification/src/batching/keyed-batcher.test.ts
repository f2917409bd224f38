import { describe, expect, it } from 'vitest';
import { createKeyedBatcher } from './keyed-batcher.ts';

/** A batcher whose batches finish when the test says, recording what each batch held. */
function controlled(options: { maxBatch: number; concurrency: number }) {
  const batches: { key: string; items: number[]; finish: () => void }[] = [];
  const batcher = createKeyedBatcher<number, number>({
    ...options,
    run: (key, items) =>
      new Promise((resolve) => {
        batches.push({
          key,
          items,
          finish: () =>
            resolve(
              items.map((item) =>
                item < 0
                  ? { status: 'rejected', reason: new Error(`bad ${item}`) }
                  : { status: 'fulfilled', value: item * 10 },
              ),
            ),
        });
      }),
  });
  return { batcher, batches };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createKeyedBatcher', () => {
  it('runs a lone item at once, and everything that arrives while the lane is busy as the next batch', async () => {
    const { batcher, batches } = controlled({ maxBatch: 10, concurrency: 1 });
    const first = batcher.submit('t1', 1);
    const rest = [2, 3, 4].map((item) => batcher.submit('t1', item));
    await tick();
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    batches[0]!.finish();
    await tick();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('keeps to the concurrency and the batch size', async () => {
    const { batcher, batches } = controlled({ maxBatch: 2, concurrency: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7].map((item) => batcher.submit('t1', item));
    await tick();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2]]);
    batches[0]!.finish();
    await tick();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4]]);
    batches[1]!.finish();
    batches[2]!.finish();
    await tick();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4], [5, 6], [7]]);
    for (const batch of batches.slice(3)) batch.finish();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70]);
  });

  it('fails only the item its batch failed, and a batch that throws fails only its own items', async () => {
    let calls = 0;
    const batcher = createKeyedBatcher<number, number>({
      maxBatch: 10,
      concurrency: 1,
      run: async (_key, items) => {
        calls += 1;
        if (calls === 2) throw new Error('the transaction failed');
        return items.map((item) =>
          item < 0 ? { status: 'rejected', reason: new Error(`bad ${item}`) } : { status: 'fulfilled', value: item },
        );
      },
    });
    const results = await Promise.allSettled([batcher.submit('t', 1), batcher.submit('t', -2), batcher.submit('t', 3)]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('the transaction failed'));
    const later = await Promise.allSettled([batcher.submit('t', 4), batcher.submit('t', -5)]);
    expect(later.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect((later[1] as PromiseRejectedResult).reason).toEqual(new Error('bad -5'));
  });

  it('keeps keys apart: a busy tenant does not hold another', async () => {
    const { batcher, batches } = controlled({ maxBatch: 10, concurrency: 1 });
    void batcher.submit('busy', 1);
    void batcher.submit('busy', 2);
    const other = batcher.submit('other', 3);
    await tick();
    expect(batches.map((batch) => [batch.key, batch.items])).toEqual([
      ['busy', [1]],
      ['other', [3]],
    ]);
    batches[1]!.finish();
    expect(await other).toBe(30);
  });
});
