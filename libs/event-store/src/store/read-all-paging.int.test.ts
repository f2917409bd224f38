import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';
import { START_CHECKPOINT } from './types.ts';
import { withTransaction } from '@bizosaas/db';

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
beforeAll(async () => {
  db = await scratchSchema('read_all_paging');
  store = createEventStore({ schema: db.schema });
});
afterAll(() => db.drop());

it('pages in numeric commit order across a digit boundary (position 99 -> 100)', async () => {
  const tenantId = newTenant();
  const aggregateId = newAggregateId();
  const events = leadEvents(tenantId, aggregateId, 0, 120);
  await withTransaction(
    db.app,
    (client) => store.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: 0, events }),
    { tenantId },
  );
  const ids: string[] = [];
  const deadline = Date.now() + 15_000; // other files' open transactions may hold xmin back a moment
  while (ids.length < 120 && Date.now() < deadline) {
    ids.length = 0;
    let after = START_CHECKPOINT;
    for (;;) {
      const page = await store.readAll(db.worker, { after, limit: 7 });
      if (page.events.length === 0) break;
      ids.push(...page.events.map((event) => event.id));
      after = page.checkpoint;
    }
  }
  expect(ids).toEqual(events.map((event) => event.id));
});
