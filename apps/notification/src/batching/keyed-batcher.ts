/**
 * Group commit by key: items submitted for one key (a tenant) while that key's batches are all
 * busy wait, and the next batch takes every waiting item (up to `maxBatch`). Under light load
 * a batch of one starts at once (nothing waits for a timer); under heavy load the batches grow
 * by themselves, so the round trips and commits per item fall as the rate rises.
 */
export interface KeyedBatcherOptions<I, O> {
  maxBatch: number;
  /** Batches of one key running at once. */
  concurrency: number;
  /** Runs one batch; settles each item at its position (a rejection fails that item only). */
  run: (key: string, items: I[]) => Promise<PromiseSettledResult<O>[]>;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

interface Lane<I, O> {
  waiting: Waiting<I, O>[];
  running: number;
}

export function createKeyedBatcher<I, O>(options: KeyedBatcherOptions<I, O>) {
  const lanes = new Map<string, Lane<I, O>>();

  function pump(key: string, lane: Lane<I, O>): void {
    while (lane.running < options.concurrency && lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, options.maxBatch);
      lane.running += 1;
      void runBatch(key, batch).finally(() => {
        lane.running -= 1;
        if (lane.running === 0 && lane.waiting.length === 0) lanes.delete(key);
        else pump(key, lane);
      });
    }
  }

  async function runBatch(key: string, batch: Waiting<I, O>[]): Promise<void> {
    try {
      const results = await options.run(
        key,
        batch.map((waiting) => waiting.item),
      );
      batch.forEach((waiting, index) => {
        const result = results[index];
        if (result?.status === 'fulfilled') waiting.resolve(result.value);
        else waiting.reject(result ? result.reason : new Error('the batch returned no result for this item'));
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  return {
    submit(key: string, item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        let lane = lanes.get(key);
        if (!lane) lanes.set(key, (lane = { waiting: [], running: 0 }));
        lane.waiting.push({ item, resolve, reject });
        pump(key, lane);
      });
    },
  };
}
