import { strict as assert } from 'node:assert';
import { AppError } from '../errors.ts';
import { fold, type Decider } from './decider.ts';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The outcome checks of one given/when scenario; each throws an `AssertionError` on mismatch. */
export interface DeciderOutcome<Event> {
  /**
   * `decide` returned exactly these events (deep equality, in order) and `evolve` accepts them;
   * given an `Error`, the same as `thenThrows(error)`.
   */
  then(expected: readonly Event[] | Error): void;
  /** `decide` returned no events (a repeated idempotent command). */
  thenNothingHappened(): void;
  /**
   * `decide` threw. An error class matches any instance; an error instance must match in class,
   * message and, for kernel errors, code and details.
   */
  thenThrows(expected: Error | ErrorClass): void;
}

/**
 * Given/when/then for deciders, with no mocks and no test runner dependency:
 * `deciderSpec(lead).givenEvents(created).when(qualify).then([qualified])`.
 */
export function deciderSpec<Command, State, Event>(decider: Decider<Command, State, Event>) {
  return {
    givenEvents: (...history: readonly Event[]) => ({
      when: (command: Command): DeciderOutcome<Event> => outcome(decider, history, command),
    }),
  };
}

function outcome<Command, State, Event>(
  decider: Decider<Command, State, Event>,
  history: readonly Event[],
  command: Command,
): DeciderOutcome<Event> {
  const run = () => {
    const state = fold(decider.evolve, decider.initialState(), history);
    return { state, events: decider.decide(command, state) };
  };

  const thenThrows = (expected: Error | ErrorClass) => {
    const thrown = caught(run);
    if (thrown === undefined) assert.fail(`decide did not throw; expected ${describeExpected(expected)}`);
    assertMatches(thrown, expected);
  };

  const then = (expected: readonly Event[] | Error) => {
    if (expected instanceof Error) return thenThrows(expected);
    let result: ReturnType<typeof run>;
    try {
      result = run();
    } catch (error) {
      throw new assert.AssertionError({ message: `decide threw ${String(error)}`, actual: error, expected });
    }
    assert.deepStrictEqual(result.events, expected);
    fold(decider.evolve, result.state, result.events);
  };

  return { then, thenNothingHappened: () => then([]), thenThrows };
}

function caught(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

function assertMatches(thrown: unknown, expected: Error | ErrorClass): void {
  if (typeof expected === 'function') {
    assert.ok(thrown instanceof expected, `expected ${expected.name}, got ${String(thrown)}`);
    return;
  }
  assert.ok(thrown instanceof Error, `expected ${expected.name}, got ${String(thrown)}`);
  assert.equal(
    thrown.constructor,
    expected.constructor,
    `expected ${expected.name}, got ${thrown.name}: ${thrown.message}`,
  );
  assert.equal(thrown.message, expected.message);
  if (expected instanceof AppError && thrown instanceof AppError) {
    assert.deepStrictEqual(
      { code: thrown.code, details: thrown.details },
      { code: expected.code, details: expected.details },
    );
  }
}

const describeExpected = (expected: Error | ErrorClass) =>
  typeof expected === 'function' ? expected.name : `${expected.name}: ${expected.message}`;
