import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { budget, raise, streamsInMemory, type Budget, type BudgetEvent } from '../test-support.ts';
import type { EventStorePort } from './event-store-port.ts';
import { runDecider } from './run-decider.ts';

describe('runDecider', () => {
  it('folds the stream, decides and appends at the loaded version', async () => {
    const streams = streamsInMemory<Budget, BudgetEvent>();
    const first = await runDecider(streams.port, budget, 'b-1', raise('r-1', 10));
    const second = await runDecider(streams.port, budget, 'b-1', raise('r-2', 5));
    expect(first).toMatchObject({ version: 1, state: { total: 10 } });
    expect(second.events).toEqual([{ type: 'budget.raised', data: { requestId: 'r-2', by: 5, total: 15, decidedAtVersion: 1 } }]);
    expect(second).toMatchObject({ version: 2, state: { total: 15, version: 2 } });
  });

  it('appends nothing for a repeated idempotent command', async () => {
    const streams = streamsInMemory<Budget, BudgetEvent>();
    await runDecider(streams.port, budget, 'b-1', raise('r-1', 10));
    const repeat = await runDecider(streams.port, budget, 'b-1', raise('r-1', 10));
    expect(repeat).toEqual({ events: [], state: { total: 10, version: 1, requests: ['r-1'] }, version: 1 });
    expect(streams.log.appends).toBe(1);
  });

  it('appends nothing when decide throws', async () => {
    const streams = streamsInMemory<Budget, BudgetEvent>();
    await expect(runDecider(streams.port, budget, 'b-1', raise('r-1', 2000))).rejects.toBeInstanceOf(BusinessRuleViolation);
    expect(streams.events('b-1')).toEqual([]);
  });

  it('starts from a state the store folded (snapshot) and reports appends for snapshotting', async () => {
    const appended: unknown[] = [];
    const calls: unknown[] = [];
    const port: EventStorePort<string, Budget, BudgetEvent> = {
      load: async () => ({ version: 40, state: { total: 400, version: 40, requests: [] } }),
      append: async (key, expectedVersion, events) => {
        calls.push({ key, expectedVersion, events: events.length });
        return { nextExpectedVersion: expectedVersion + events.length };
      },
      afterAppend: async (key, info) => {
        appended.push({ key, ...info });
      },
    };
    const run = await runDecider(port, budget, 'b-9', raise('r-1', 100));
    expect(calls).toEqual([{ key: 'b-9', expectedVersion: 40, events: 1 }]);
    expect(appended).toEqual([{ key: 'b-9', state: run.state, version: 41, previousVersion: 40 }]);
    expect(run.state).toEqual({ total: 500, version: 41, requests: ['r-1'] });
  });
});
