import { BusinessRuleViolation, ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../command/command-definition.ts';
import { createCommandBus } from '../command/command-bus.ts';
import { runDecider } from '../decider/run-decider.ts';
import { budget, raise, streamsInMemory, type Budget, type BudgetEvent } from '../test-support.ts';

const fast = { transientRetry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2 }, concurrencyRetry: { initialDelayMs: 1, maxDelayMs: 2 } };
const metadata = { now: new Date('2025-03-01T10:00:00Z') };
const serializationFailure = () => Object.assign(new Error('could not serialize access due to concurrent update'), { code: '40001' });

/** A bus with one command whose handler fails with the given errors, in turn, then answers 'done'. */
function failingThen(errors: Error[], retryOnConcurrency?: number) {
  const attempts = { count: 0 };
  const bus = createCommandBus(fast).register(
    defineCommand({
      type: 'job.run',
      schema: z.object({}),
      ...(retryOnConcurrency === undefined ? {} : { retryOnConcurrency }),
      handle: async () => {
        const error = errors[attempts.count];
        attempts.count += 1;
        if (error) throw error;
        return 'done';
      },
    }),
  );
  return { attempts, run: () => bus.execute({ type: 'job.run', data: {}, metadata }) };
}

describe('transient retry', () => {
  it('retries a transient error and answers once an attempt succeeds', async () => {
    const { attempts, run } = failingThen([serializationFailure(), Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })]);
    await expect(run()).resolves.toBe('done');
    expect(attempts.count).toBe(3);
  });

  it('surfaces the error unchanged after N retries', async () => {
    const errors = Array.from({ length: 10 }, serializationFailure);
    const { attempts, run } = failingThen(errors);
    await expect(run()).rejects.toBe(errors[3]);
    expect(attempts.count).toBe(1 + 3);
  });

  it('never retries domain errors', async () => {
    for (const error of [new BusinessRuleViolation('r', 'm'), new NotFoundError(), new ConcurrencyError(1, 2), new Error('bug')]) {
      const { attempts, run } = failingThen([error, error]);
      await expect(run()).rejects.toBe(error);
      expect(attempts.count).toBe(1);
    }
  });
});

describe('retry on ConcurrencyError', () => {
  const setup = (retryOnConcurrency?: boolean | number) => {
    const streams = streamsInMemory<Budget, BudgetEvent>();
    const bus = createCommandBus(fast).register(
      defineCommand({
        type: 'budget.raise',
        schema: z.object({ budgetId: z.string(), requestId: z.string(), by: z.number().int().positive() }),
        ...(retryOnConcurrency === undefined ? {} : { retryOnConcurrency }),
        handle: (command) => runDecider(streams.port, budget, command.data.budgetId, command),
      }),
    );
    const competitor: BudgetEvent = { type: 'budget.raised', data: { requestId: 'other', by: 5, total: 5, decidedAtVersion: 0 } };
    const race = () => streams.interleave((all) => all.set('b-1', [...(all.get('b-1') ?? []), competitor]));
    return { streams, bus, race };
  };

  it('reloads and decides again on the newer state when the command allows it', async () => {
    const { streams, bus, race } = setup(true);
    race();
    const result = await bus.execute(raise('r-1', 10));
    expect(streams.log.loads).toBe(2);
    expect(streams.events('b-1').map((e) => e.data)).toEqual([
      { requestId: 'other', by: 5, total: 5, decidedAtVersion: 0 },
      { requestId: 'r-1', by: 10, total: 15, decidedAtVersion: 1 },
    ]);
    expect(result).toMatchObject({ version: 2, state: { total: 15 } });
  });

  it('lets the 409 through, appending nothing, when the command does not allow it', async () => {
    const { streams, bus, race } = setup();
    race();
    const error = await bus.execute(raise('r-1', 10)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).details).toEqual({ expectedVersion: 0, actualVersion: 1 });
    expect([streams.log.loads, streams.events('b-1').length]).toEqual([1, 1]);
  });

  it('gives up after the allowed number of retries', async () => {
    const conflict = new ConcurrencyError(3, 4);
    const { attempts, run } = failingThen(Array.from({ length: 10 }, () => conflict), 2);
    await expect(run()).rejects.toBe(conflict);
    expect(attempts.count).toBe(3);
  });
});
