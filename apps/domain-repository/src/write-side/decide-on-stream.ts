import type pg from 'pg';
import { ConcurrencyError, fold, type CommandActor, type CommandMetadata } from '@bizosaas/ddd-kernel';
import { createEvent, type PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore, LoadedAggregate } from '@bizosaas/event-store';
import { foldingOf, snapshotCodecOf, type AggregateStream, type DecidedEvent } from './aggregate-stream.ts';

/** Metadata of a command that writes: a tenant and an actor are known. */
export type WriteMetadata = CommandMetadata & { readonly tenantId: string; readonly actor: CommandActor };

/** Which stream, and the version the caller saw (If-Match / expectedVersion): a different current version is a 409. */
export interface StreamTarget {
  readonly aggregateId: string;
  readonly expectedVersion?: number | undefined;
}

/**
 * Where a decision reads and writes: `client`, inside the caller's tenant transaction; or, for
 * an aggregate the command creates under an id it just made (so it has no events to load), the
 * pool, where its events are appended in one autocommitted statement (one round trip instead of
 * BEGIN, read, append, COMMIT; the version guard still refuses a stream that exists).
 */
export type DecisionTarget = pg.ClientBase | { readonly newAggregateIn: pg.Pool };

/** What one decision appended and where the stream stands after it. */
export interface Decided<S, E> {
  /** Empty for a repeated idempotent command: nothing was appended. */
  readonly events: readonly E[];
  /** The appended envelopes' ids and types (the causation of what a command does next). */
  readonly envelopes: readonly { readonly id: string; readonly type: string }[];
  readonly state: S;
  readonly version: number;
}

/**
 * Load (from the snapshot, if any) -> decide -> append with the loaded version. Envelopes carry
 * the command's tenant, actor, correlation and causation ids and its time; a snapshot is saved
 * when the append crosses a multiple of the store's snapshotEvery.
 */
export async function decideOnStream<S, E extends DecidedEvent>(
  store: EventStore<PlatformCatalogue>,
  target: DecisionTarget,
  aggregate: AggregateStream<S, E>,
  stream: StreamTarget,
  metadata: WriteMetadata,
  decide: (state: S) => readonly E[],
): Promise<Decided<S, E>> {
  const ref = { aggregateType: aggregate.aggregateType, aggregateId: stream.aggregateId };
  const snapshot = snapshotCodecOf(aggregate);
  const loaded: LoadedAggregate<S> =
    'newAggregateIn' in target
      ? { state: aggregate.initialState(), version: 0 }
      : await store.load(target, { ...ref, ...foldingOf(aggregate), snapshot });
  if (stream.expectedVersion !== undefined && loaded.version !== stream.expectedVersion) {
    throw new ConcurrencyError(stream.expectedVersion, loaded.version);
  }
  const events = decide(loaded.state);
  if (events.length === 0) return { events, envelopes: [], state: loaded.state, version: loaded.version };
  const envelopes = events.map((event, index) =>
    envelopeOf(event, stream.aggregateId, loaded.version + index + 1, metadata),
  );
  const append = { ...ref, tenantId: metadata.tenantId, expectedVersion: loaded.version, events: envelopes };
  const { nextExpectedVersion: version } =
    'newAggregateIn' in target
      ? await store.appendInOwnTransaction(target.newAggregateIn, append)
      : await store.append(target, append);
  const state = fold(aggregate.evolve, loaded.state, events);
  if (store.shouldSnapshot(version, loaded.version)) {
    const save = (client: pg.ClientBase) =>
      store.saveSnapshot(client, {
        ...ref,
        tenantId: metadata.tenantId,
        version,
        schemaVersion: snapshot.schemaVersion,
        state: snapshot.serialize(state),
      });
    await ('newAggregateIn' in target
      ? store.transaction(target.newAggregateIn, metadata.tenantId, save)
      : save(target));
  }
  return { events, envelopes, state, version };
}

/** The envelope the write path appends for one decided event at `aggregateVersion`. */
export function envelopeOf(
  event: DecidedEvent,
  aggregateId: string,
  aggregateVersion: number,
  metadata: WriteMetadata,
) {
  const { correlationId } = metadata;
  return createEvent(
    {
      type: event.type,
      // decide built `data` for `type` (DecidedEvent pairs them); createEvent parses it by the type's schema.
      data: event.data as never,
      tenantId: metadata.tenantId,
      actor: metadata.actor,
      aggregateId,
      aggregateVersion,
      ...(correlationId !== undefined && { correlationId, causationId: metadata.causationId ?? correlationId }),
    },
    { now: () => metadata.now },
  );
}
