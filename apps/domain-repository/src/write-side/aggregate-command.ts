import type pg from 'pg';
import { z } from 'zod';
import { defineCommand, type DeciderRun } from '@bizosaas/cqrs';
import { refuseFutureFacts, type Command, type CommandMetadata, type FactInstants } from '@bizosaas/ddd-kernel';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { runAggregate, type Aggregate, type DecidedEvent } from './run-aggregate.ts';

export interface CommandContext {
  readonly pool: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
  /** How far after the command's time a fact may be dated (the sender's clock running ahead). */
  readonly clockSkewMs: number;
}

/** Bus data of every aggregate command carries the version the caller saw, when it sent one. */
export const withExpectedVersion = <S extends z.ZodObject>(schema: S) =>
  schema.extend({ expectedVersion: z.number().int().min(0).optional() });

/**
 * A bus command that runs one aggregate command in its own tenant transaction (or, when it
 * creates the aggregate, in one statement: see createsAggregate). `toCommand` may
 * add ids it generates (new lead, customer, interaction): they are made here, once per run, and
 * not sent by the client, so a retry with the same Idempotency-Key has the same data.
 */
export function aggregateCommand<const T extends string, S extends z.ZodObject, C extends Command, St, E extends DecidedEvent, R>(
  ctx: CommandContext,
  spec: {
    type: T;
    schema: S;
    aggregate: Aggregate<C, St, E>;
    toCommand(data: z.output<S>, metadata: CommandMetadata): { aggregateId: string; command: C };
    view(run: DeciderRun<St, E>, aggregateId: string): R;
    /** toCommand makes the aggregate's id: there is nothing to load, the append is one statement (RunTarget). */
    createsAggregate?: true;
    /** Fields of the data saying when something happened (by request path): refused when later than now plus the clock skew. */
    facts?(data: z.output<S>): FactInstants;
  },
) {
  const schema = withExpectedVersion(spec.schema);
  return defineCommand({
    type: spec.type,
    schema,
    retryOnConcurrency: true,
    handle: async (command: Command<T, z.output<typeof schema>>) => {
      if (spec.facts) refuseFutureFacts(spec.facts(command.data as z.output<S>), command.metadata.now, ctx.clockSkewMs);
      const { aggregateId, command: domainCommand } = spec.toCommand(command.data as z.output<S>, command.metadata);
      const expectedVersion = (command.data as { expectedVersion?: number }).expectedVersion;
      const input = { aggregateId, command: domainCommand, ...(expectedVersion !== undefined && { expectedVersion }) };
      const run = spec.createsAggregate
        ? await runAggregate(ctx.store, { newAggregateIn: ctx.pool }, spec.aggregate, input)
        : await ctx.store.transaction(ctx.pool, command.metadata.tenantId!, (client) => runAggregate(ctx.store, client, spec.aggregate, input));
      return spec.view(run, aggregateId);
    },
  });
}
