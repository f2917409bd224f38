import type { EventType } from '@bizosaas/event-schemas';

/** What a decide function emits: a catalogue type and its data. The write path wraps it into an envelope. */
export interface DecidedEvent {
  readonly type: EventType;
  readonly data: unknown;
}

/**
 * An event-sourced aggregate as the write path sees it: its stream type, how its state folds,
 * and the shape version of its snapshots. Each aggregate's `<aggregate>.ts` exports one as a
 * plain object, so domain files need nothing from here (the type is structural).
 */
export interface AggregateStream<S, E extends DecidedEvent> {
  readonly aggregateType: string;
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** Bump when the state's shape changes: older snapshots are then ignored (a full fold instead). */
  readonly snapshotSchemaVersion: number;
}

/**
 * The aggregate's folding as the event store takes it. A stream of this aggregate type holds
 * only its own events (the store parses each by its schema), so each is one of E.
 */
export function foldingOf<S, E extends DecidedEvent>(aggregate: AggregateStream<S, E>) {
  return {
    initialState: aggregate.initialState(),
    evolve: (state: S, event: DecidedEvent) => aggregate.evolve(state, event as E),
  };
}

/**
 * How the write path stores the aggregate's state in a snapshot: as it is (the state is plain
 * JSON data: strings, numbers, booleans, null, arrays and objects), under the aggregate's
 * snapshotSchemaVersion. The store writes it as jsonb and hands back the parsed JSON.
 */
export function snapshotCodecOf<S, E extends DecidedEvent>(aggregate: AggregateStream<S, E>) {
  return {
    schemaVersion: aggregate.snapshotSchemaVersion,
    serialize: (state: S): unknown => state,
    deserialize: (stored: unknown) => stored as S,
  };
}
