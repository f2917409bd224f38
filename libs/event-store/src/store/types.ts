import type { EventCatalogue, EventEnvelope, EventOf } from '@bizosaas/event-schemas';
import type { ClientBase, Pool, PoolClient } from 'pg';
import type { OutboxNotifier } from '../notifications/outbox-notifier.ts';

/** A pg connection (pool client or plain client), already inside a transaction where the API says so. */
export type PgClient = ClientBase;

/** Anything that runs a query: a client, or a pool for reads that need no transaction (readAll). */
export type PgQueryable = Pick<ClientBase, 'query'>;

/** Options of {@link createEventStore}. */
export interface EventStoreOptions<C extends EventCatalogue> {
  /** PostgreSQL schema holding the tables of `eventStoreDdl(schema)`. */
  schema: string;
  /** Redis stream namespace for outbox `stream_key`s; default `bizosaas:events` (see eventStreamKey). */
  namespace?: string;
  /** Catalogue used to parse (and upcast) events on read; default the platform catalogue. */
  catalogue?: C;
  /** Take a snapshot every N events of a stream (see `shouldSnapshot`); default 100. */
  snapshotEvery?: number;
  /**
   * Wakes the outbox relays after outbox rows commit (createOutboxNotifier). Without one the
   * relays find new rows by polling.
   */
  notifier?: OutboxNotifier;
}

export interface AppendInput {
  tenantId: string;
  aggregateType: string;
  aggregateId: string;
  /** The stream's version the events were decided on; 0 for a new stream. */
  expectedVersion: number;
  /**
   * Built with createEvent. Their tenantId/aggregateType/aggregateId must match the input and
   * their aggregateVersion must be expectedVersion + 1, + 2, ... (validated, never reassigned).
   */
  events: readonly EventEnvelope[];
  /** Also write one outbox row per event in the same statement; default true. */
  outbox?: boolean;
}

export interface AppendResult {
  /** The stream's version after the append (expectedVersion + events.length). */
  nextExpectedVersion: number;
  /** Global positions (bigint as decimal strings) of the appended events, in order. */
  positions: string[];
}

export interface ReadStreamInput {
  aggregateType: string;
  aggregateId: string;
  /** First version to return (inclusive); default 1. */
  fromVersion?: number;
}

/** A position in the global log: rows are ordered by (transactionId, globalPosition). */
export interface GlobalCheckpoint {
  /** xid8 of the writing transaction, decimal string. */
  transactionId: string;
  /** bigint, decimal string. */
  globalPosition: string;
}

/** The checkpoint before every event. */
export const START_CHECKPOINT: GlobalCheckpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });

export interface ReadAllInput {
  /** Return events strictly after this checkpoint; default from the start. */
  after?: GlobalCheckpoint;
  /** Maximum number of events to return. */
  limit: number;
  /** Only events of these aggregate types (the checkpoint then only advances over matching events). */
  aggregateTypes?: readonly string[];
}

/** An event read from the global log: the parsed envelope plus its place in commit order. */
export type RecordedEvent<E> = E & GlobalCheckpoint;

export interface ReadAllResult<E> {
  events: RecordedEvent<E>[];
  /** Position of the last returned event, or `after` (or START_CHECKPOINT) when none. */
  checkpoint: GlobalCheckpoint;
}

export interface StreamRef {
  aggregateType: string;
  aggregateId: string;
}

export interface StoredSnapshot {
  /** The stream version the state reflects. */
  version: number;
  /** Version of the serialized state's shape; a mismatch makes loaders ignore the snapshot. */
  schemaVersion: number;
  state: unknown;
}

export interface SaveSnapshotInput extends StreamRef, StoredSnapshot {
  tenantId: string;
}

/** How an aggregate's state is stored in a snapshot. */
export interface SnapshotCodec<S> {
  schemaVersion: number;
  serialize: (state: S) => unknown;
  deserialize: (stored: unknown) => S;
}

export interface LoadInput<S, E> extends StreamRef {
  initialState: S;
  evolve: (state: S, event: E) => S;
  /** Start from the latest snapshot of the same schemaVersion, if any. */
  snapshot?: SnapshotCodec<S>;
}

export interface LoadedAggregate<S> {
  state: S;
  /** Version of the last event folded (0 for a stream with no events): the next expectedVersion. */
  version: number;
}

/**
 * The event store of one schema. The write functions take a client already inside a
 * transaction (withTransaction with a tenantId for the app role); reads work in or out of one.
 */
export interface EventStore<C extends EventCatalogue> {
  /**
   * Appends events to a stream if its version is still `expectedVersion`, with the outbox rows,
   * in one statement. Throws ConcurrencyError(expected, actual) when another writer got there
   * first (the statement failed, so the transaction is aborted: roll it back, retry in a new one),
   * TenantIsolationError when the stream belongs to another tenant, ValidationError for events
   * that do not match the input.
   */
  append(client: PgClient, input: AppendInput): Promise<AppendResult>;
  /**
   * The same append as one autocommitted statement on any pooled connection, or on a client that
   * is not inside a transaction (the statement sets
   * the tenant for itself): one round trip, for when nothing else has to commit with the events.
   * With optimistic concurrency the load before it needs no transaction to be safe.
   * Errors as `append`; nothing is written when it throws.
   */
  appendInOwnTransaction(pool: Pool | PgClient, input: AppendInput): Promise<AppendResult>;
  /**
   * `append` for many streams of one tenant in one statement, inside the caller's transaction:
   * each at its expected version (0: a new stream), with its outbox rows. All or nothing: when any
   * stream moved, it throws ConcurrencyError naming no stream (roll back; `append` on each tells
   * which). For group commit: many commands' events in one round trip.
   */
  appendMany(client: PgClient, inputs: readonly AppendInput[]): Promise<void>;
  /**
   * withTransaction for the tenant, then (after COMMIT) wakes the relays if `work` appended outbox rows.
   * Use it for commands; with a bare withTransaction call `committed(client)` yourself.
   */
  transaction<T>(pool: Pool, tenantId: string, work: (client: PoolClient) => Promise<T>): Promise<T>;
  /** Call after committing a transaction that ran `append` on `client`: wakes the relays if outbox rows were written. */
  committed(client: PgClient): void;
  /** The stream's events from `fromVersion`, parsed (upcast) with the store's catalogue. */
  readStream(client: PgClient, input: ReadStreamInput): Promise<EventOf<C>[]>;
  /** The stream's current version (0 when empty or invisible to the caller's tenant). */
  streamVersion(client: PgClient, input: StreamRef): Promise<number>;
  /**
   * Events of every tenant in commit order (worker role), stopping before the oldest transaction
   * still in progress, so an event whose transaction commits late is never skipped.
   */
  readAll(this: void, client: PgQueryable, input: ReadAllInput): Promise<ReadAllResult<EventOf<C>>>;
  loadSnapshot(client: PgClient, input: StreamRef): Promise<StoredSnapshot | null>;
  /** Upserts the stream's snapshot; an older version never replaces a newer one. */
  saveSnapshot(client: PgClient, input: SaveSnapshotInput): Promise<void>;
  /** True when a stream that moved from `previousVersion` to `version` crossed a multiple of snapshotEvery. */
  shouldSnapshot(version: number, previousVersion?: number): boolean;
  /** Folds the stream (from the latest usable snapshot) into state. */
  load<S, E extends EventOf<C> = EventOf<C>>(client: PgClient, input: LoadInput<S, E>): Promise<LoadedAggregate<S>>;
}
