import { BusinessRuleViolation, ConcurrencyError, type Command, type Decider } from '@bizosaas/ddd-kernel';
import type { EventStorePort, LoadedStream } from './decider/event-store-port.ts';

/** Helpers for this lib's tests (not exported from the package). */

/** A budget that commands raise by an amount, idempotently per request id. */
export type BudgetCommand = Command<'budget.raise', { budgetId: string; requestId: string; by: number }>;
export type BudgetEvent = { type: 'budget.raised'; data: { requestId: string; by: number; total: number; decidedAtVersion: number } };
export type Budget = { total: number; version: number; requests: readonly string[] };

export const budget: Decider<BudgetCommand, Budget, BudgetEvent> = {
  initialState: () => ({ total: 0, version: 0, requests: [] }),
  decide(command, state) {
    const { requestId, by } = command.data;
    if (state.requests.includes(requestId)) return [];
    if (state.total + by > 1000) {
      throw new BusinessRuleViolation('budget.limit', 'Budget may not exceed 1000', { currentTotal: state.total });
    }
    return [{ type: 'budget.raised', data: { requestId, by, total: state.total + by, decidedAtVersion: state.version } }];
  },
  evolve: (state, event) => ({
    total: event.data.total,
    version: state.version + 1,
    requests: [...state.requests, event.data.requestId],
  }),
};

export const raise = (requestId: string, by: number, metadata: Partial<BudgetCommand['metadata']> = {}): BudgetCommand => ({
  type: 'budget.raise',
  data: { budgetId: 'b-1', requestId, by },
  metadata: { now: new Date('2025-03-01T10:00:00Z'), tenantId: 't-1', ...metadata },
});

/**
 * A test double of the EventStorePort for pipeline logic (the PostgreSQL store has its own
 * suite; run-decider.int.test.ts drives the runner against real PostgreSQL). `beforeAppend`
 * lets a test slip in a competing write between load and append, as a racing writer would.
 */
export function streamsInMemory<S, E>() {
  const streams = new Map<string, E[]>();
  const log = { loads: 0, appends: 0 };
  let beforeAppend: (() => void) | undefined;
  const port: EventStorePort<string, S, E> = {
    async load(key): Promise<LoadedStream<S, E>> {
      log.loads += 1;
      const events = [...(streams.get(key) ?? [])];
      return { version: events.length, events };
    },
    async append(key, expectedVersion, events) {
      const hook = beforeAppend;
      beforeAppend = undefined;
      hook?.();
      const stream = streams.get(key) ?? [];
      if (stream.length !== expectedVersion) throw new ConcurrencyError(expectedVersion, stream.length);
      log.appends += 1;
      streams.set(key, [...stream, ...events]);
      return { nextExpectedVersion: stream.length + events.length };
    },
  };
  return {
    port,
    log,
    events: (key: string) => streams.get(key) ?? [],
    /** Runs `write` once, just before the next append is checked. */
    interleave(write: (streams: Map<string, E[]>) => void) {
      beforeAppend = () => write(streams);
    },
  };
}
