import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvent, leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';
import { START_CHECKPOINT, type GlobalCheckpoint } from './types.ts';
import { withTransaction } from '@bizosaas/db';

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantA = newTenant();
const tenantB = newTenant();

beforeAll(async () => {
  db = await scratchSchema('read_all');
  store = createEventStore({ schema: db.schema });
});
afterAll(() => db.drop());

async function appendLead(tenantId: string, aggregateId: string, count: number) {
  const events = leadEvents(tenantId, aggregateId, 0, count);
  await withTransaction(
    db.app,
    (client) => store.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: 0, events }),
    { tenantId },
  );
  return events;
}

/** Reads as the worker until `count` events came back: other test files' open transactions may hold xmin back a moment. */
async function readUntil(count: number, after: GlobalCheckpoint = START_CHECKPOINT) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const result = await store.readAll(db.worker, { after, limit: 1000 });
    if (result.events.length >= count || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('readAll (worker role)', () => {
  it('returns every tenant in commit order and pages by checkpoint', async () => {
    const a = await appendLead(tenantA, newAggregateId(), 3);
    const b = await appendLead(tenantB, newAggregateId(), 2);
    const all = await readUntil(5);
    expect(all.events.map((event) => event.id)).toEqual([...a, ...b].map((event) => event.id));
    expect(all.events[0]).toMatchObject({
      ...a[0],
      transactionId: expect.stringMatching(/^\d+$/),
      globalPosition: expect.stringMatching(/^\d+$/),
    });

    const page1 = await store.readAll(db.worker, { limit: 2 });
    const page2 = await store.readAll(db.worker, { after: page1.checkpoint, limit: 2 });
    const page3 = await store.readAll(db.worker, { after: page2.checkpoint, limit: 2 });
    const page4 = await store.readAll(db.worker, { after: page3.checkpoint, limit: 2 });
    expect([...page1.events, ...page2.events, ...page3.events].map((event) => event.id)).toEqual(
      all.events.map((event) => event.id),
    );
    expect(page1.checkpoint).toEqual({
      transactionId: all.events[1]!.transactionId,
      globalPosition: all.events[1]!.globalPosition,
    });
    expect(page4).toEqual({ events: [], checkpoint: page3.checkpoint });
  });

  it('filters by aggregate type', async () => {
    const { events } = await readUntil(5);
    const none = await store.readAll(db.worker, { limit: 100, aggregateTypes: ['campaign'] });
    const leads = await store.readAll(db.worker, { limit: 100, aggregateTypes: ['lead'] });
    expect(none).toEqual({ events: [], checkpoint: START_CHECKPOINT });
    expect(leads.events.map((event) => event.id)).toEqual(events.map((event) => event.id));
  });

  it('never skips a transaction that inserted earlier but commits later: it stops before it, then returns it', async () => {
    const before = await readUntil(5);
    const lateLead = newAggregateId();
    const lateEvent = leadEvent(tenantA, lateLead, 1);
    let commitLate!: () => void;
    const held = new Promise<void>((resolve) => (commitLate = resolve));
    let appended!: () => void;
    const lateAppended = new Promise<void>((resolve) => (appended = resolve));
    const late = withTransaction(
      db.app,
      async (client) => {
        await store.append(client, {
          tenantId: tenantA,
          aggregateType: 'lead',
          aggregateId: lateLead,
          expectedVersion: 0,
          events: [lateEvent],
        });
        appended();
        await held;
      },
      { tenantId: tenantA },
    );
    await lateAppended;
    const [early] = await appendLead(tenantB, newAggregateId(), 1);
    const positions = await db.owner.query<{ id: string; position: string }>(
      `SELECT event_id::text AS id, global_position::text AS position FROM "${db.schema}".events WHERE event_id = ANY($1::uuid[])`,
      [[lateEvent.id, early!.id]],
    );
    // Only the committed one is visible yet, and it has the higher global position.
    expect(positions.rows.map((row) => row.id)).toEqual([early!.id]);

    const whileOpen = await store.readAll(db.worker, { after: before.checkpoint, limit: 100 });
    expect(whileOpen).toEqual({ events: [], checkpoint: before.checkpoint });

    commitLate();
    await late;
    const after = await readUntil(2, before.checkpoint);
    expect(after.events.map((event) => event.id)).toEqual([lateEvent.id, early!.id]);
    expect(BigInt(after.events[0]!.globalPosition)).toBeLessThan(BigInt(after.events[1]!.globalPosition));
  });
});
