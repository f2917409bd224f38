import { fold, type Decider } from '@bizosaas/ddd-kernel';
import type { EventStorePort } from './event-store-port.ts';

/** What one run decided and where the stream stands after it. */
export interface DeciderRun<State, Event> {
  /** The events appended; empty for a repeated idempotent command. */
  readonly events: readonly Event[];
  readonly state: State;
  /** The stream's version after the run (unchanged when nothing was appended). */
  readonly version: number;
}

/**
 * Load -> fold -> decide -> append with the expected version. Appends nothing when decide
 * returns no events. A lost race surfaces as the store's ConcurrencyError; the bus's
 * `retryOnConcurrency` runs the whole thing again on fresh state.
 */
export async function runDecider<Key, Command, State, Event>(
  store: EventStorePort<Key, State, Event>,
  decider: Decider<Command, State, Event>,
  key: Key,
  command: Command,
): Promise<DeciderRun<State, Event>> {
  const loaded = await store.load(key, decider);
  const current = 'state' in loaded ? loaded.state : fold(decider.evolve, decider.initialState(), loaded.events);
  const events = decider.decide(command, current);
  if (events.length === 0) return { events, state: current, version: loaded.version };
  const state = fold(decider.evolve, current, events);
  const { nextExpectedVersion } = await store.append(key, loaded.version, events);
  await store.afterAppend?.(key, { state, version: nextExpectedVersion, previousVersion: loaded.version });
  return { events, state, version: nextExpectedVersion };
}
