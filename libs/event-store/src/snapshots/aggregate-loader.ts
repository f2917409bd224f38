import { fold } from '@bizosaas/ddd-kernel';
import type { EventCatalogue, EventOf } from '@bizosaas/event-schemas';
import type {
  LoadedAggregate,
  LoadInput,
  PgClient,
  ReadStreamInput,
  StoredSnapshot,
  StreamRef,
} from '../store/types.ts';

export interface LoaderParts<C extends EventCatalogue> {
  readStream: (client: PgClient, input: ReadStreamInput) => Promise<EventOf<C>[]>;
  loadSnapshot: (client: PgClient, input: StreamRef) => Promise<StoredSnapshot | null>;
}

/**
 * Builds `load`: the latest snapshot whose schemaVersion matches the codec's (others are
 * ignored, so changing the state's shape only costs a full fold), then the events after it.
 */
export function createAggregateLoader<C extends EventCatalogue>({ readStream, loadSnapshot }: LoaderParts<C>) {
  return async function load<S, E extends EventOf<C> = EventOf<C>>(
    client: PgClient,
    input: LoadInput<S, E>,
  ): Promise<LoadedAggregate<S>> {
    const stream = { aggregateType: input.aggregateType, aggregateId: input.aggregateId };
    const snapshot = input.snapshot ? await loadSnapshot(client, stream) : null;
    const usable = snapshot !== null && snapshot.schemaVersion === input.snapshot?.schemaVersion;
    const initial = usable ? input.snapshot!.deserialize(snapshot.state) : input.initialState;
    const from = usable ? snapshot.version : 0;
    const events = (await readStream(client, { ...stream, fromVersion: from + 1 })) as E[];
    const state = fold(input.evolve, initial, events);
    const version = events.at(-1)?.aggregateVersion ?? from;
    return { state, version };
  };
}
