import type { StreamEntry } from './stream-entry.ts';

/**
 * A handler failed because a dependency is down (a transient error and a failing health
 * check): the consumer pauses. `held` are the entries it holds unfinished, in order: the
 * failed one and those of the same read or claim not handled yet.
 */
export class DependencyDown extends Error {
  constructor(
    readonly failure: unknown,
    readonly held: StreamEntry[],
  ) {
    super(`dependency down: ${failure instanceof Error ? failure.message : String(failure)}`);
    this.name = 'DependencyDown';
  }

  /** The same outage, also holding `later` (the entries after the failed one). */
  holding(later: readonly StreamEntry[]): DependencyDown {
    return new DependencyDown(this.failure, [...this.held, ...later]);
  }
}
