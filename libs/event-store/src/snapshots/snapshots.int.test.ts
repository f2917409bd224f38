import type { DomainEvent } from '@bizosaas/event-schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from '../store/create-event-store.ts';
import { leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from '../store/test-support.ts';
import type { SnapshotCodec } from '../store/types.ts';
import { withTransaction } from '@bizosaas/db';

interface Tally {
  events: number;
  scores: number[];
}
const initialState: Tally = { events: 0, scores: [] };
let evolveCalls = 0;
const evolve = (state: Tally, event: DomainEvent): Tally => {
  evolveCalls += 1;
  const score = event.type === 'lead.qualified' ? [event.data.score.totalScore] : [];
  return { events: state.events + 1, scores: [...state.scores, ...score] };
};
const codec: SnapshotCodec<Tally> = {
  schemaVersion: 1,
  serialize: (state) => ({ n: state.events, s: state.scores }),
  deserialize: (stored) => {
    const { n, s } = stored as { n: number; s: number[] };
    return { events: n, scores: s };
  },
};

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantId = newTenant();

beforeAll(async () => {
  db = await scratchSchema('snapshots');
  store = createEventStore({ schema: db.schema, snapshotEvery: 5 });
});
afterAll(() => db.drop());

/** What a command runner does: load, append, snapshot when due, all in one transaction. */
async function appendAndMaybeSnapshot(aggregateId: string, count: number): Promise<number[]> {
  return withTransaction(
    db.app,
    async (client) => {
      const stream = { aggregateType: 'lead', aggregateId };
      const { state, version } = await store.load(client, { ...stream, initialState, evolve, snapshot: codec });
      const events = leadEvents(tenantId, aggregateId, version, count);
      const { nextExpectedVersion } = await store.append(client, {
        ...stream,
        tenantId,
        expectedVersion: version,
        events,
      });
      if (!store.shouldSnapshot(nextExpectedVersion, version)) return [];
      const next = events.reduce(evolve, state);
      await store.saveSnapshot(client, {
        ...stream,
        tenantId,
        version: nextExpectedVersion,
        schemaVersion: codec.schemaVersion,
        state: codec.serialize(next),
      });
      return [nextExpectedVersion];
    },
    { tenantId },
  );
}

describe('snapshots', () => {
  it('are taken every N events and loading folds only the events after the latest', async () => {
    const aggregateId = newAggregateId();
    const taken: number[] = [];
    for (const batch of [1, 1, 1, 1, 1, 3, 3, 1]) taken.push(...(await appendAndMaybeSnapshot(aggregateId, batch)));
    expect(taken).toEqual([5, 11]); // 5 -> 8 stays in the same block of 5; 8 -> 11 crosses 10

    const stream = { aggregateType: 'lead', aggregateId };
    const full = await withTransaction(
      db.app,
      async (client) => {
        evolveCalls = 0;
        const loaded = await store.load(client, { ...stream, initialState, evolve });
        return { loaded, calls: evolveCalls };
      },
      { tenantId },
    );
    const fromSnapshot = await withTransaction(
      db.app,
      async (client) => {
        evolveCalls = 0;
        const loaded = await store.load(client, { ...stream, initialState, evolve, snapshot: codec });
        return { loaded, calls: evolveCalls };
      },
      { tenantId },
    );
    expect(full).toEqual({
      loaded: { version: 12, state: { events: 12, scores: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] } },
      calls: 12,
    });
    expect(fromSnapshot).toEqual({ loaded: full.loaded, calls: 1 });
    expect(await withTransaction(db.app, (client) => store.loadSnapshot(client, stream), { tenantId })).toEqual({
      version: 11,
      schemaVersion: 1,
      state: { n: 11, s: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
    });
  });

  it('ignore a snapshot of another state schema version and never replace a newer one with an older one', async () => {
    const aggregateId = newAggregateId();
    const stream = { aggregateType: 'lead', aggregateId };
    await appendAndMaybeSnapshot(aggregateId, 6);
    await withTransaction(
      db.app,
      async (client) => {
        await store.saveSnapshot(client, { ...stream, tenantId, version: 3, schemaVersion: 1, state: { n: 0, s: [] } });
        expect(await store.loadSnapshot(client, stream)).toMatchObject({ version: 6 });
        evolveCalls = 0;
        const loaded = await store.load(client, {
          ...stream,
          initialState,
          evolve,
          snapshot: { ...codec, schemaVersion: 2 },
        });
        expect(loaded).toEqual({ version: 6, state: { events: 6, scores: [2, 3, 4, 5, 6] } });
        expect(evolveCalls).toBe(6);
      },
      { tenantId },
    );
  });

  it('load an empty stream as the initial state at version 0', async () => {
    const stream = { aggregateType: 'lead', aggregateId: newAggregateId() };
    const loaded = await withTransaction(
      db.app,
      (client) => store.load(client, { ...stream, initialState, evolve, snapshot: codec }),
      { tenantId },
    );
    expect(loaded).toEqual({ state: initialState, version: 0 });
  });
});
