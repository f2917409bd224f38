export { eventStoreDdl } from './schema/event-store-ddl.ts';
export { eventStoreSchemaOf } from './schema/service-schema.ts';
export { createEventStore } from './store/create-event-store.ts';
export { streamId } from './store/stream-id.ts';
export {
  START_CHECKPOINT,
  type AppendInput,
  type AppendResult,
  type EventStore,
  type EventStoreOptions,
  type GlobalCheckpoint,
  type LoadedAggregate,
  type LoadInput,
  type PgClient,
  type PgQueryable,
  type ReadAllInput,
  type ReadAllResult,
  type ReadStreamInput,
  type RecordedEvent,
  type SaveSnapshotInput,
  type SnapshotCodec,
  type StoredSnapshot,
  type StreamRef,
} from './store/types.ts';
export {
  defineProjection,
  type AnyProjection,
  type Projection,
  type ProjectionTables,
} from './projections/projection.ts';
export {
  createProjectionManager,
  type ProjectionManager,
  type ProjectionManagerOptions,
} from './projections/projection-manager.ts';
export {
  rebuildProjection,
  RebuildRunningError,
  type RebuildOptions,
  type RebuildResult,
  type RebuildVerifier,
} from './projections/rebuild-projection.ts';
export { compareLogPositions } from './projections/log-position.ts';
export { installProjection } from './projections/install-projection.ts';
export { generationTables, projectionViews } from './projections/table-names.ts';
export {
  readCheckpoint as readProjectionCheckpoint,
  type Checkpoint as ProjectionCheckpoint,
} from './projections/checkpoint.ts';
export { outboxChannel } from './schema/event-store-ddl.ts';
export {
  createOutboxNotifier,
  type OutboxNotifier,
  type OutboxNotifierOptions,
} from './notifications/outbox-notifier.ts';
export {
  outboxInsert,
  outboxMessages,
  type OutboxInsert,
  type OutboxInsertOptions,
  type SqlStatement,
} from './outbox/outbox-messages.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay.ts';
export type { BatchOutcome as OutboxBatchOutcome } from './outbox/relay-batch.ts';
export { outboxBacklog, type OutboxBacklog } from './outbox/outbox-backlog.ts';
export { projectionLag, type ProjectionLag } from './projections/projection-lag.ts';
export { writeSideReadiness } from './readiness/write-side-readiness.ts';
export {
  createInboxBatchHandler,
  createInboxHandler,
  type InboxHandlerOptions,
  type InboxRetryOptions,
} from './inbox/inbox-handler.ts';
export { pruneProcessedRecords, type PruneOptions, type PruneResult } from './retention/prune-processed-records.ts';
export { createPgIdempotencyStore, type PgIdempotencyStoreOptions } from './idempotency/pg-idempotency-store.ts';
export type { IdempotencyKey, IdempotencyRecord, IdempotencyStore } from './idempotency/idempotency-store.ts';
export { withIdempotency } from './idempotency/with-idempotency.ts';
export { canonicalJson, fingerprint } from './idempotency/fingerprint.ts';
export { replayFromStore, type ReplayFromStoreOptions, type ReplayResult } from './retention/replay-from-store.ts';
