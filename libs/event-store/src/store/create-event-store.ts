import { eventCatalogue, type EventCatalogue, type PlatformCatalogue } from '@bizosaas/event-schemas';
import { DEFAULT_STREAM_NAMESPACE, eventStreamKey } from '@bizosaas/messaging';
import { createAggregateLoader } from '../snapshots/aggregate-loader.ts';
import { createSnapshots, crossedSnapshotPoint } from '../snapshots/snapshots.ts';
import { createAppend } from './append.ts';
import { createAppendMany } from './append-many.ts';
import { createReadAll } from './read-all.ts';
import { createReadStream } from './read-stream.ts';
import { quotedSchema } from './sql-names.ts';
import { createStreamVersion } from './stream-version.ts';
import type { EventStore, EventStoreOptions } from './types.ts';
import { withTransaction } from '@bizosaas/db';

/**
 * The PostgreSQL event store over the tables of `eventStoreDdl(schema)`. Plain functions over a
 * pg client: the caller owns connections and transactions (see withTransaction in @bizosaas/db).
 */
export function createEventStore<C extends EventCatalogue>(
  options: EventStoreOptions<C> & { catalogue: C },
): EventStore<C>;
export function createEventStore(options: EventStoreOptions<PlatformCatalogue>): EventStore<PlatformCatalogue>;
export function createEventStore<C extends EventCatalogue>(
  options: EventStoreOptions<C>,
): EventStore<C> | EventStore<PlatformCatalogue> {
  return options.catalogue ? storeOver(options, options.catalogue) : storeOver(options, eventCatalogue);
}

function storeOver<C extends EventCatalogue>(
  options: Omit<EventStoreOptions<EventCatalogue>, 'catalogue'>,
  catalogue: C,
): EventStore<C> {
  const schema = quotedSchema(options.schema);
  const namespace = options.namespace ?? DEFAULT_STREAM_NAMESPACE;
  const every = options.snapshotEvery ?? 100;
  if (!Number.isInteger(every) || every < 1) throw new Error(`snapshotEvery must be an integer >= 1, got ${every}`);
  const readStream = createReadStream(schema, catalogue);
  const snapshots = createSnapshots(schema);
  const streamKeys = new Map<string, string>();
  const streamKey = (aggregateType: string) => {
    let key = streamKeys.get(aggregateType);
    if (key === undefined) streamKeys.set(aggregateType, (key = eventStreamKey(aggregateType, namespace)));
    return key;
  };

  // Clients whose open transaction wrote outbox rows: the relays are woken once it commits.
  const pendingWake = new WeakSet<object>();
  const notify = () => options.notifier?.notify();
  const onOutboxWritten = (client: object, committed: boolean) => (committed ? notify() : pendingWake.add(client));
  const committed = (client: object) => {
    if (pendingWake.delete(client)) notify();
  };

  return {
    ...createAppend({ schema, streamKey, onOutboxWritten }),
    appendMany: createAppendMany({ schema, streamKey, onOutboxWritten }),
    committed,
    async transaction(pool, tenantId, work) {
      let used: object | undefined;
      try {
        const result = await withTransaction(pool, (client) => ((used = client), work(client)), { tenantId });
        if (used) committed(used);
        return result;
      } finally {
        // Rolled back: forget the mark, the pooled client will serve other transactions.
        if (used) pendingWake.delete(used);
      }
    },
    readStream,
    streamVersion: createStreamVersion(schema),
    readAll: createReadAll(schema, catalogue),
    ...snapshots,
    shouldSnapshot: (version, previousVersion) => crossedSnapshotPoint(every, version, previousVersion),
    load: createAggregateLoader({ readStream, loadSnapshot: snapshots.loadSnapshot }),
  };
}
