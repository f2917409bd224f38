import type { Command, CommandMetadata, RuleFailure } from '@bizosaas/ddd-kernel';
import type { z } from 'zod';

/**
 * A check that may read state (a projection, another service's read model) before the handler
 * runs. Returns every rule the command breaks; an empty list lets it through.
 */
export type BusinessValidator<C> = (command: C) => readonly RuleFailure[] | Promise<readonly RuleFailure[]>;

/** How one command type is validated, retried and handled. */
export interface CommandDefinition<Type extends string, Schema extends z.ZodType, Result> {
  readonly type: Type;
  /** Schema of `data`; its output (transforms, defaults) is what validators and the handler see. */
  readonly schema: Schema;
  /** Run after the schema passed, all of them; every failure lands in one BUSINESS_RULE_VIOLATION. */
  readonly validators?: readonly BusinessValidator<Command<Type, z.output<Schema>>>[];
  /**
   * On ConcurrencyError, run validators and handler again (reload + re-decide): true = 3 retries,
   * a number = that many. Only for commands whose decision may be retaken on newer state.
   */
  readonly retryOnConcurrency?: boolean | number;
  /** Orchestrates only: load, decide, append (see runDecider). Business rules live in decide. */
  readonly handle: (command: Command<Type, z.output<Schema>>) => Promise<Result>;
}

/** Any registered definition, as the pipeline sees it (`any`: definitions of every data type share one map). */
export type AnyCommandDefinition = CommandDefinition<any, any, unknown>;

/** What callers send: `data` before validation, metadata from the verified request context. */
export interface CommandInput<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** Declares a command with its types inferred: `defineCommand({ type, schema, validators, handle })`. */
export function defineCommand<const Type extends string, Schema extends z.ZodType, Result>(
  definition: CommandDefinition<Type, Schema, Result>,
): CommandDefinition<Type, Schema, Result> {
  return definition;
}
