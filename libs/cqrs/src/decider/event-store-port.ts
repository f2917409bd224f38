/**
 * A stream as the runner needs it: either its events, or a state already folded by the store
 * (from a snapshot and the events after it), with the version of the last event (0 when empty).
 */
export type LoadedStream<State, Event> =
  | { readonly version: number; readonly events: readonly Event[] }
  | { readonly version: number; readonly state: State };

/** The decider's folding functions, for stores that fold (and snapshot) themselves. */
export interface Folding<State, Event> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
}

/**
 * What runDecider needs from an event store, for one kind of stream key. The PostgreSQL store
 * fits it inside a transaction: `load` = store.load / readStream + streamVersion, `append` =
 * store.append (numbering the events expectedVersion + 1, + 2, ...).
 */
export interface EventStorePort<Key, State, Event> {
  load(key: Key, folding: Folding<State, Event>): Promise<LoadedStream<State, Event>>;
  /**
   * Appends if the stream is still at `expectedVersion`, else throws ConcurrencyError(expected,
   * actual). Resolves to the version after the append.
   */
  append(key: Key, expectedVersion: number, events: readonly Event[]): Promise<{ readonly nextExpectedVersion: number }>;
  /** Called after an append with the new state, e.g. to snapshot every N events. */
  afterAppend?(key: Key, appended: { readonly state: State; readonly version: number; readonly previousVersion: number }): Promise<void>;
}
