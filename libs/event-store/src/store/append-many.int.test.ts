import { ConcurrencyError, ValidationError } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvent, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantId = newTenant();

beforeAll(async () => {
  db = await scratchSchema('append_many');
  store = createEventStore({ schema: db.schema, namespace: 'test:append-many:events' });
});
afterAll(() => db.drop());

const inTenant = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(db.app, work, { tenantId });
const newStream = (aggregateId = newAggregateId()) => ({
  tenantId,
  aggregateType: 'lead',
  aggregateId,
  expectedVersion: 0,
  events: [leadEvent(tenantId, aggregateId, 1), leadEvent(tenantId, aggregateId, 2)],
});

async function rowsOf(aggregateIds: string[]) {
  const { rows } = await db.owner.query<{ aggregate_id: string; version: number; outboxed: boolean }>(
    `SELECT e.aggregate_id, e.version, EXISTS (SELECT FROM "${db.schema}".outbox o WHERE o.event_id = e.event_id) AS outboxed
     FROM "${db.schema}".events e WHERE e.aggregate_id = ANY($1) ORDER BY e.global_position`,
    [aggregateIds],
  );
  return rows;
}

describe('appendMany', () => {
  it('appends to new and existing streams in one statement, in order, each event with its outbox row', async () => {
    const existing = newAggregateId();
    await inTenant((client) =>
      store.append(client, { ...newStream(existing), events: [leadEvent(tenantId, existing, 1)] }),
    );
    const [a, b] = [newStream(), newStream()];
    await inTenant((client) =>
      store.appendMany(client, [
        a,
        {
          tenantId,
          aggregateType: 'lead',
          aggregateId: existing,
          expectedVersion: 1,
          events: [leadEvent(tenantId, existing, 2)],
        },
        b,
      ]),
    );
    expect(await rowsOf([a.aggregateId, existing, b.aggregateId])).toEqual([
      { aggregate_id: existing, version: 1, outboxed: true },
      { aggregate_id: a.aggregateId, version: 1, outboxed: true },
      { aggregate_id: a.aggregateId, version: 2, outboxed: true },
      { aggregate_id: existing, version: 2, outboxed: true },
      { aggregate_id: b.aggregateId, version: 1, outboxed: true },
      { aggregate_id: b.aggregateId, version: 2, outboxed: true },
    ]);
    const read = await inTenant((client) =>
      store.readStream(client, { aggregateType: 'lead', aggregateId: a.aggregateId }),
    );
    expect(read).toEqual(a.events);
  });

  it('writes nothing when one stream moved past its expected version, or a new stream exists already', async () => {
    const moved = newAggregateId();
    await inTenant((client) => store.append(client, newStream(moved)));
    const fresh = newStream();
    const stale = {
      tenantId,
      aggregateType: 'lead',
      aggregateId: moved,
      expectedVersion: 1,
      events: [leadEvent(tenantId, moved, 2)],
    };
    await expect(inTenant((client) => store.appendMany(client, [fresh, stale]))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    await expect(inTenant((client) => store.appendMany(client, [fresh, newStream(moved)]))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    // Ahead of the stream: nothing holds version 4, the guard alone refuses the gap.
    const ahead = {
      tenantId,
      aggregateType: 'lead',
      aggregateId: moved,
      expectedVersion: 3,
      events: [leadEvent(tenantId, moved, 4)],
    };
    await expect(inTenant((client) => store.appendMany(client, [fresh, ahead]))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await rowsOf([fresh.aggregateId])).toEqual([]);
    expect((await rowsOf([moved])).map((row) => row.version)).toEqual([1, 2]);
  });

  it('leaves the outbox out for an input that asks so, and refuses streams of two tenants or a wrong version', async () => {
    const quiet = { ...newStream(), outbox: false };
    await inTenant((client) => store.appendMany(client, [quiet]));
    expect((await rowsOf([quiet.aggregateId])).map((row) => row.outboxed)).toEqual([false, false]);
    const other = newTenant();
    const foreignId = newAggregateId();
    const foreign = { ...newStream(foreignId), tenantId: other, events: [leadEvent(other, foreignId, 1)] };
    await expect(inTenant((client) => store.appendMany(client, [newStream(), foreign]))).rejects.toBeInstanceOf(
      ValidationError,
    );
    const skipped = newAggregateId();
    const wrong = { ...newStream(skipped), events: [leadEvent(tenantId, skipped, 2)] };
    await expect(inTenant((client) => store.appendMany(client, [wrong]))).rejects.toBeInstanceOf(ValidationError);
  });
});
