import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCommandBus } from '../command/command-bus.ts';
import { defineCommand } from '../command/command-definition.ts';
import { inTransaction, pgStreams, scratchTables, type Isolation, type ScratchTables } from '../pg-test-support.ts';
import { budget, raise, type Budget, type BudgetEvent } from '../test-support.ts';
import type { EventStorePort } from './event-store-port.ts';
import { runDecider } from './run-decider.ts';

const WRITERS = 5;
let scratch: ScratchTables;

beforeAll(async () => {
  scratch = await scratchTables('run_decider', WRITERS);
});
afterAll(async () => {
  await scratch.drop();
});

/** Every writer loads before any appends (one latch), so all but one lose the first race. */
function racingBus(isolation: Isolation) {
  const counts = { loads: 0, transientRetries: 0 };
  let waiting = WRITERS;
  let release: () => void = () => undefined;
  const allLoaded = new Promise<void>((resolve) => (release = resolve));
  const port = (client: Parameters<typeof pgStreams>[0]): EventStorePort<string, Budget, BudgetEvent> => {
    const inner = pgStreams<Budget, BudgetEvent>(client, scratch.schema);
    return {
      load: async (key, folding) => {
        counts.loads += 1;
        return inner.load(key, folding);
      },
      append: async (key, expectedVersion, events) => {
        if (waiting > 0 && --waiting === 0) release();
        await allLoaded;
        return inner.append(key, expectedVersion, events);
      },
    };
  };
  const bus = createCommandBus({
    transientRetry: { maxRetries: 20, initialDelayMs: 2, maxDelayMs: 20, onRetry: () => (counts.transientRetries += 1) },
    concurrencyRetry: { initialDelayMs: 2, maxDelayMs: 20 },
  }).register(
    defineCommand({
      type: 'budget.raise',
      schema: z.object({ budgetId: z.string(), requestId: z.string(), by: z.number().int().positive() }),
      retryOnConcurrency: 20,
      handle: (command) => inTransaction(scratch.app, isolation, (client) => runDecider(port(client), budget, command.data.budgetId, command)),
    }),
  );
  return { bus, counts };
}

async function stream(budgetId: string): Promise<{ version: number; data: BudgetEvent['data'] }[]> {
  const { rows } = await scratch.app.query(`SELECT version, data->'data' AS data FROM "${scratch.schema}".stream_events WHERE stream_id = $1 ORDER BY version`, [budgetId]);
  return rows;
}

describe.each<[Isolation, string]>([
  ['READ COMMITTED', 'ConcurrencyError -> reload and decide again'],
  ['SERIALIZABLE', 'serialization failure (40001) -> transient retry'],
])('racing writers on one stream, %s', (isolation, path) => {
  it(`apply every command exactly once, in gapless versions (${path})`, async () => {
    const budgetId = `budget-${isolation.replace(' ', '-').toLowerCase()}`;
    const { bus, counts } = racingBus(isolation);
    const commands = Array.from({ length: WRITERS }, (_, i) => raise(`r-${i + 1}`, i + 1));
    await Promise.all(commands.map((command) => bus.execute({ ...command, data: { ...command.data, budgetId } })));

    const events = await stream(budgetId);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.data.decidedAtVersion)).toEqual([0, 1, 2, 3, 4]);
    expect(new Set(events.map((e) => e.data.requestId)).size).toBe(WRITERS);
    expect(events.at(-1)?.data.total).toBe(1 + 2 + 3 + 4 + 5);
    // all but the first winner lost at least once and loaded the stream again
    expect(counts.loads).toBeGreaterThanOrEqual(WRITERS + WRITERS - 1);
    if (isolation === 'SERIALIZABLE') expect(counts.transientRetries).toBeGreaterThanOrEqual(WRITERS - 1);
    else expect(counts.transientRetries).toBe(0);
  });
});
