import type pg from 'pg';
import type { FastifyRequest } from 'fastify';
import { refuseFutureFacts, type Command, type FactInstants } from '@bizosaas/ddd-kernel';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import { withIdempotency, type EventStore, type IdempotencyStore } from '@bizosaas/event-store';
import type { AggregateStream, DecidedEvent } from './aggregate-stream.ts';
import { decideOnStream, type WriteMetadata } from './decide-on-stream.ts';
import { commandMetadata, expectedVersionOf } from './request-context.ts';
import { retryOnConflict, retryTransient } from './retries.ts';

export interface CommandHandlerDeps {
  /** App role: requests, under RLS by tenant. */
  readonly pool: pg.Pool;
  readonly store: EventStore<PlatformCatalogue>;
  readonly idempotency: IdempotencyStore;
  readonly now: () => Date;
  /** How far after the command's time a fact may be dated (the sender's clock running ahead). */
  readonly clockSkewMs: number;
}

/** One command on one aggregate, as a route states it. */
export interface AggregateCommand<T extends string, D, S, E extends DecidedEvent, R> {
  readonly aggregate: AggregateStream<S, E>;
  readonly aggregateId: string;
  /** `type` also scopes the Idempotency-Key; `data` is what decide reads. */
  readonly command: { readonly type: T; readonly data: NoInfer<D> };
  readonly decide: (command: Command<T, D>, state: S) => readonly E[];
  readonly view: (state: S, aggregateId: string, version: number) => R;
  /** The body's expectedVersion (If-Match is read here); they must agree when both are sent. */
  readonly expectedVersion?: number | undefined;
  /** The route made `aggregateId` for this command: nothing to load, one-statement append. */
  readonly creates?: true;
  /** Instants saying when something happened: refused when later than now plus the clock skew. */
  readonly facts?: FactInstants;
}

/** A command whose work is not one aggregate's (conversion: two streams in one transaction). */
export interface UnitOfWork<R> {
  readonly type: string;
  run(metadata: WriteMetadata, expectedVersion: number | undefined): Promise<R>;
}

export interface CommandHandler {
  /** Runs one aggregate command for the request: load, decide, append, answer the view. */
  handle<T extends string, D, S, E extends DecidedEvent, R>(
    request: FastifyRequest,
    command: AggregateCommand<T, D, S, E, R>,
  ): Promise<R>;
  /** Runs `work` for the request under the same Idempotency-Key handling and retries. */
  handleUnit<R>(request: FastifyRequest, work: UnitOfWork<R>, expectedVersion?: number): Promise<R>;
  /** Runs one aggregate command of the platform's own (a scheduled job): retries, no request. */
  run<T extends string, D, S, E extends DecidedEvent, R>(
    metadata: WriteMetadata,
    command: AggregateCommand<T, D, S, E, R>,
  ): Promise<R>;
}

/**
 * The write path of every command route: metadata from the verified caller and the injected
 * clock, If-Match, then (outermost first) Idempotency-Key, transient retry, reload-and-redecide
 * on a lost race (unless the caller named its version), and the decision in a tenant
 * transaction (or one statement for a create). The Idempotency-Key fingerprint is the request
 * (type, body, path parameters, expected version), never ids made for it, so a retry matches the first.
 */
export function createCommandHandler(deps: CommandHandlerDeps): CommandHandler {
  const handleUnit = <R>(request: FastifyRequest, work: UnitOfWork<R>, bodyVersion?: number): Promise<R> => {
    const metadata = commandMetadata(request, deps.now);
    const expectedVersion = expectedVersionOf(request, bodyVersion);
    const key =
      metadata.idempotencyKey === undefined
        ? undefined
        : { tenantId: metadata.tenantId, commandType: work.type, key: metadata.idempotencyKey };
    const data = {
      ...objectOrEmpty(request.body),
      ...objectOrEmpty(request.params),
      ...(expectedVersion !== undefined && { expectedVersion }),
    };
    const fingerprinted = { type: work.type, data };
    const attempt = () => work.run(metadata, expectedVersion);
    return withIdempotency(deps.idempotency, key, fingerprinted, () =>
      retryTransient(() => (expectedVersion === undefined ? retryOnConflict(attempt) : attempt())),
    );
  };

  const decideOne = async <T extends string, D, S, E extends DecidedEvent, R>(
    spec: AggregateCommand<T, D, S, E, R>,
    metadata: WriteMetadata,
    expectedVersion: number | undefined,
  ): Promise<R> => {
    if (spec.facts) refuseFutureFacts(spec.facts, metadata.now, deps.clockSkewMs);
    const command = { ...spec.command, metadata };
    const stream = { aggregateId: spec.aggregateId, expectedVersion };
    const decide = (state: S) => spec.decide(command, state);
    const decided = spec.creates
      ? await decideOnStream(deps.store, { newAggregateIn: deps.pool }, spec.aggregate, stream, metadata, decide)
      : await deps.store.transaction(deps.pool, metadata.tenantId, (client) =>
          decideOnStream(deps.store, client, spec.aggregate, stream, metadata, decide),
        );
    return spec.view(decided.state, spec.aggregateId, decided.version);
  };

  return {
    handleUnit,
    handle: (request, spec) =>
      handleUnit(
        request,
        { type: spec.command.type, run: (metadata, expectedVersion) => decideOne(spec, metadata, expectedVersion) },
        spec.expectedVersion,
      ),
    run: (metadata, spec) => retryTransient(() => retryOnConflict(() => decideOne(spec, metadata, undefined))),
  };
}

const objectOrEmpty = (value: unknown): object => (typeof value === 'object' && value !== null ? value : {});
