/**
 * An aggregate as three pure functions (the decider pattern): no I/O, no clock, no random ids.
 * `decide` returns the events a command causes (none for a repeated idempotent command) or
 * throws a kernel error; `evolve` applies one event to the state.
 */
export interface Decider<Command, State, Event> {
  readonly initialState: () => State;
  readonly decide: (command: Command, state: State) => readonly Event[];
  readonly evolve: (state: State, event: Event) => State;
}

/** The state after applying `events`, in order, to `initial`. */
export function fold<State, Event>(
  evolve: (state: State, event: Event) => State,
  initial: State,
  events: Iterable<Event>,
): State {
  let state = initial;
  for (const event of events) state = evolve(state, event);
  return state;
}
