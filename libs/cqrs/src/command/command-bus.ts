import type { Command } from '@bizosaas/ddd-kernel';
import type { z } from 'zod';
import { idempotency } from '../idempotency/idempotency.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { retryOnConcurrency, type ConcurrencyRetryOptions } from '../retry/retry-on-concurrency.ts';
import { retryTransient, type TransientRetryOptions } from '../retry/retry-transient.ts';
import { validateCommand } from '../validation/validate-command.ts';
import type { AnyCommandDefinition, CommandDefinition, CommandInput } from './command-definition.ts';
import { composeMiddleware, type CommandMiddleware, type Next } from './middleware.ts';

/** Options of {@link createCommandBus}. */
export interface CommandBusOptions {
  /** Enables `Idempotency-Key` handling (results must then be JSON values). */
  idempotencyStore?: IdempotencyStore;
  /** Retries of transient infrastructure errors; `false` turns them off. */
  transientRetry?: TransientRetryOptions | false;
  concurrencyRetry?: ConcurrencyRetryOptions;
  /** Extra steps run outermost, in order (logging, metrics, tracing). */
  middlewares?: readonly CommandMiddleware[];
}

type InputOf<D> = D extends CommandDefinition<infer T, infer S, unknown> ? CommandInput<T, z.input<S>> : never;
type ResultOf<D> = D extends CommandDefinition<any, any, infer R> ? R : never;

/** Routes commands by type through the pipeline to their handlers. */
export interface CommandBus<Defs extends AnyCommandDefinition = never> {
  /** A bus that also handles `definition`'s type (each type once). */
  register<D extends AnyCommandDefinition>(definition: D): CommandBus<Defs | D>;
  /** Validates, runs and answers one command; throws kernel errors (and surfaced infrastructure ones). */
  execute<T extends Defs['type']>(
    command: InputOf<Extract<Defs, { type: T }>> & { readonly type: T },
  ): Promise<ResultOf<Extract<Defs, { type: T }>>>;
}

/**
 * The command pipeline, outermost first: extra middlewares, idempotency, transient retry,
 * concurrency retry (per command), validation (schema, then business validators), handler.
 */
export function createCommandBus(options: CommandBusOptions = {}): CommandBus {
  const pipeline: CommandMiddleware[] = [
    ...(options.middlewares ?? []),
    ...(options.idempotencyStore ? [idempotency(options.idempotencyStore)] : []),
    ...(options.transientRetry === false ? [] : [retryTransient(options.transientRetry)]),
    retryOnConcurrency(options.concurrencyRetry),
    validateCommand,
  ];
  return busOf(pipeline, new Map());
}

function busOf<Defs extends AnyCommandDefinition>(pipeline: readonly CommandMiddleware[], routes: ReadonlyMap<string, Next>): CommandBus<Defs> {
  return {
    register(definition) {
      if (routes.has(definition.type)) throw new Error(`Command "${definition.type}" is already registered`);
      const handler: Next = (command) => definition.handle(command as Command<string, unknown>);
      const run = composeMiddleware(pipeline, definition, handler);
      return busOf(pipeline, new Map([...routes, [definition.type, run]]));
    },
    async execute(command) {
      const run = routes.get(command.type);
      if (!run) throw new Error(`No handler registered for command "${command.type}"`);
      return run(command as Command) as Promise<never>;
    },
  };
}
