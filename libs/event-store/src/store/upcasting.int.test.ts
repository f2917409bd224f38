import { createEvent, defineCatalogue, defineEvent, defineUpcaster } from '@bizosaas/event-schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEventStore } from './create-event-store.ts';
import { newAggregateId, newTenant, scratchSchema, userActor, type Scratch } from './test-support.ts';
import { withTransaction } from '@bizosaas/db';

// A made-up history: v1 stored {text}; v2 renamed it to {note}.
const v1Data = z.object({ text: z.string() });
const noteAddedV1 = defineEvent({
  type: 'lead.note_added',
  aggregateType: 'lead',
  description: 'test-only, as first written',
  data: v1Data,
  example: { text: 'hi' },
});
const noteAddedV2 = defineEvent({
  type: 'lead.note_added',
  aggregateType: 'lead',
  description: 'test-only, as read today',
  schemaVersion: 2,
  upcasters: [defineUpcaster(v1Data, (old) => ({ note: old.text }))],
  data: z.object({ note: z.string() }),
  example: { note: 'hi' },
});
const writtenWith = defineCatalogue([noteAddedV1]);
const readWith = defineCatalogue([noteAddedV2]);

let db: Scratch;
const tenantId = newTenant();

beforeAll(async () => {
  db = await scratchSchema('upcasting');
});
afterAll(() => db.drop());

describe('upcasting on read', () => {
  it('stores v1, reads v2 (stream and global log), and never rewrites the row', async () => {
    const aggregateId = newAggregateId();
    const writer = createEventStore({ schema: db.schema, catalogue: writtenWith });
    const reader = createEventStore({ schema: db.schema, catalogue: readWith });
    const stored = createEvent(
      {
        type: 'lead.note_added',
        tenantId,
        aggregateId,
        aggregateVersion: 1,
        actor: userActor,
        data: { text: 'called back' },
      },
      { catalogue: writtenWith },
    );
    expect(stored.schemaVersion).toBe(1);
    await withTransaction(
      db.app,
      (client) =>
        writer.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: 0, events: [stored] }),
      { tenantId },
    );

    const [read] = await withTransaction(
      db.app,
      (client) => reader.readStream(client, { aggregateType: 'lead', aggregateId }),
      { tenantId },
    );
    expect(read).toEqual({ ...stored, schemaVersion: 2, data: { note: 'called back' } });

    let global: Awaited<ReturnType<typeof reader.readAll>>;
    const deadline = Date.now() + 15_000;
    do global = await reader.readAll(db.worker, { limit: 10 });
    while (global.events.length === 0 && Date.now() < deadline);
    expect(global.events[0]).toMatchObject({ id: stored.id, schemaVersion: 2, data: { note: 'called back' } });

    const { rows } = await db.owner.query(
      `SELECT schema_version, data FROM "${db.schema}".events WHERE event_id = $1`,
      [stored.id],
    );
    expect(rows).toEqual([{ schema_version: 1, data: { text: 'called back' } }]);
  });
});
