import type { CommandInput } from '@bizosaas/cqrs';
import type { CommandContext } from './aggregate-command.ts';

/** What the routes of an aggregate get: the bus for writes, pool and store for reads, the clock. */
export interface RoutesContext extends CommandContext {
  /** The command bus; results are the views the response schemas describe (they validate them). */
  readonly execute: (command: CommandInput) => Promise<any>;
  readonly now: () => Date;
}
