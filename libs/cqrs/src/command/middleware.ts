import type { Command } from '@bizosaas/ddd-kernel';
import type { AnyCommandDefinition } from './command-definition.ts';

/** Runs the rest of the pipeline (and finally the handler) for a command. */
export type Next = (command: Command) => Promise<unknown>;

/**
 * One step around a command's handling. It receives the command's definition so it can read
 * per-command settings (schema, validators, retry policy).
 */
export type CommandMiddleware = (command: Command, next: Next, definition: AnyCommandDefinition) => Promise<unknown>;

/** Composes middlewares around `handler`; the first one is the outermost. */
export function composeMiddleware(middlewares: readonly CommandMiddleware[], definition: AnyCommandDefinition, handler: Next): Next {
  return middlewares.reduceRight<Next>((next, middleware) => (command) => middleware(command, next, definition), handler);
}
