export {
  defineCommand,
  type AnyCommandDefinition,
  type BusinessValidator,
  type CommandDefinition,
  type CommandInput,
} from './command/command-definition.ts';
export { composeMiddleware, type CommandMiddleware, type Next } from './command/middleware.ts';
export { createCommandBus, type CommandBus, type CommandBusOptions } from './command/command-bus.ts';
export { validateCommand } from './validation/validate-command.ts';
export { validateWith } from './validation/validate-with.ts';
export { isRetriableCommandFailure, retryTransient, transientRetryPolicy, type TransientRetryOptions } from './retry/retry-transient.ts';
export { retryOnConcurrency, type ConcurrencyRetryOptions } from './retry/retry-on-concurrency.ts';
export type { IdempotencyKey, IdempotencyRecord, IdempotencyStore } from './idempotency/idempotency-store.ts';
export { createInMemoryIdempotencyStore } from './idempotency/in-memory-idempotency-store.ts';
export { idempotency } from './idempotency/idempotency.ts';
export { fingerprint } from './idempotency/fingerprint.ts';
export type { EventStorePort, Folding, LoadedStream } from './decider/event-store-port.ts';
export { runDecider, type DeciderRun } from './decider/run-decider.ts';
export { createQueryBus, defineQuery, type QueryBus, type QueryContext, type QueryDefinition } from './query/query-bus.ts';
