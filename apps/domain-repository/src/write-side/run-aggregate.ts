import type pg from 'pg';
import { runDecider, type DeciderRun, type EventStorePort } from '@bizosaas/cqrs';
import { ConcurrencyError, ValidationError, type Command, type Decider } from '@bizosaas/ddd-kernel';
import { createEvent, type EventType, type PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';

/** What a decider emits: a catalogue type and its data. The runner wraps it into an envelope. */
export interface DecidedEvent {
  readonly type: EventType;
  readonly data: unknown;
}

/** An event-sourced aggregate: its stream type, its decider and the shape version of its snapshots. */
export interface Aggregate<C extends Command, S, E extends DecidedEvent> {
  readonly aggregateType: string;
  readonly decider: Decider<C, S, E>;
  /** Bump when the state's shape changes: older snapshots are then ignored (a full fold instead). */
  readonly snapshotSchemaVersion: number;
}

export interface RunInput<C extends Command> {
  aggregateId: string;
  command: C;
  /** The version the caller saw (If-Match / expectedVersion); a different current version is a 409. */
  expectedVersion?: number;
}

/**
 * Where a run reads and writes: `client`, inside the caller's tenant transaction; or, for an
 * aggregate the command creates under an id it just made (so it has no events to load), the
 * pool, where its events are appended in one autocommitted statement (one round trip instead
 * of BEGIN, read, append, COMMIT; the version guard still refuses a stream that exists).
 */
export type RunTarget = pg.ClientBase | { readonly newAggregateIn: pg.Pool };

/**
 * Load (from the snapshot, if any) -> decide -> append with the loaded version (see RunTarget).
 * Envelopes carry the command's tenant, actor, correlation and causation ids and its time; a
 * snapshot is saved when the append crosses a multiple of the store's snapshotEvery. Returns
 * the run with the envelopes appended (their ids are the causation of what a command does next).
 */
export async function runAggregate<C extends Command, S, E extends DecidedEvent>(
  store: EventStore<PlatformCatalogue>,
  target: RunTarget,
  aggregate: Aggregate<C, S, E>,
  input: RunInput<C>,
): Promise<DeciderRun<S, E> & { readonly envelopes: readonly { id: string; type: string }[] }> {
  const { metadata } = input.command;
  const tenantId = metadata.tenantId;
  if (tenantId === undefined || metadata.actor === undefined) {
    throw new ValidationError('A command needs a tenant and an actor', [{ path: 'metadata', message: 'tenantId and actor are required' }]);
  }
  const ref = { aggregateType: aggregate.aggregateType, aggregateId: input.aggregateId };
  let appended: { id: string; type: string }[] = [];
  const snapshot = { schemaVersion: aggregate.snapshotSchemaVersion, serialize: (s: S) => s, deserialize: (s: unknown) => s as S };
  const pool = 'newAggregateIn' in target ? target.newAggregateIn : undefined;
  const inTransaction = <T>(work: (client: pg.ClientBase) => Promise<T>) =>
    pool ? store.transaction(pool, tenantId, work) : work(target as pg.ClientBase);
  const port: EventStorePort<string, S, E> = {
    async load(_key, folding) {
      const loaded = pool
        ? { version: 0, events: [] }
        : await store.load(target as pg.ClientBase, { ...ref, ...folding, initialState: folding.initialState(), evolve: folding.evolve as never, snapshot });
      if (input.expectedVersion !== undefined && loaded.version !== input.expectedVersion) {
        throw new ConcurrencyError(input.expectedVersion, loaded.version);
      }
      return loaded;
    },
    async append(_key, expectedVersion, events) {
      const correlationId = metadata.correlationId;
      const envelopes = events.map((event, index) =>
        createEvent(
          {
            type: event.type,
            data: event.data as never,
            tenantId,
            actor: metadata.actor!,
            aggregateId: input.aggregateId,
            aggregateVersion: expectedVersion + index + 1,
            ...(correlationId !== undefined && { correlationId, causationId: metadata.causationId ?? correlationId }),
          },
          { now: () => metadata.now },
        ),
      );
      appended = envelopes;
      const append = { ...ref, tenantId, expectedVersion, events: envelopes };
      return pool ? store.appendInOwnTransaction(pool, append) : store.append(target as pg.ClientBase, append);
    },
    async afterAppend(_key, { state, version, previousVersion }) {
      if (!store.shouldSnapshot(version, previousVersion)) return;
      await inTransaction((client) =>
        store.saveSnapshot(client, { ...ref, tenantId, version, schemaVersion: snapshot.schemaVersion, state: snapshot.serialize(state) }));
    },
  };
  const run = await runDecider(port, aggregate.decider, input.aggregateId, input.command);
  return { ...run, envelopes: appended };
}
