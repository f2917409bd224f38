import { TenantIsolationError, ValidationError } from '@bizosaas/ddd-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';
import { withTransaction } from '@bizosaas/db';

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantA = newTenant();
const tenantB = newTenant();
const leadOfA = newAggregateId();

beforeAll(async () => {
  db = await scratchSchema('tenancy');
  store = createEventStore({ schema: db.schema });
  await withTransaction(
    db.app,
    async (client) => {
      await store.append(client, {
        tenantId: tenantA,
        aggregateType: 'lead',
        aggregateId: leadOfA,
        expectedVersion: 0,
        events: leadEvents(tenantA, leadOfA, 0, 2),
      });
      await store.saveSnapshot(client, {
        tenantId: tenantA,
        aggregateType: 'lead',
        aggregateId: leadOfA,
        version: 2,
        schemaVersion: 1,
        state: { secret: true },
      });
    },
    { tenantId: tenantA },
  );
});
afterAll(() => db.drop());

const stream = { aggregateType: 'lead', aggregateId: leadOfA };
const storedOfA = async () =>
  (
    await db.owner.query(`SELECT count(*)::int AS n FROM "${db.schema}".events WHERE stream_id = $1`, [
      `lead-${leadOfA}`,
    ])
  ).rows[0].n;

describe('row-level security by tenant', () => {
  it('lets tenant A read its stream and tenant B see nothing of it', async () => {
    expect(
      await withTransaction(db.app, (client) => store.readStream(client, stream), { tenantId: tenantA }),
    ).toHaveLength(2);
    await withTransaction(
      db.app,
      async (client) => {
        expect(await store.readStream(client, stream)).toEqual([]);
        expect(await store.streamVersion(client, stream)).toBe(0);
        expect(await store.loadSnapshot(client, stream)).toBeNull();
        expect((await client.query(`SELECT count(*)::int AS n FROM "${db.schema}".outbox`)).rows[0].n).toBe(0);
      },
      { tenantId: tenantB },
    );
  });

  it('shows nothing to the app role outside a tenant transaction', async () => {
    expect((await db.app.query(`SELECT count(*)::int AS n FROM "${db.schema}".events`)).rows[0].n).toBe(0);
  });

  it("refuses tenant B's append into A's stream as not found, writing nothing", async () => {
    const attempt = withTransaction(
      db.app,
      (client) =>
        store.append(client, {
          tenantId: tenantB,
          aggregateType: 'lead',
          aggregateId: leadOfA,
          expectedVersion: 0,
          events: leadEvents(tenantB, leadOfA, 0, 3),
        }),
      { tenantId: tenantB },
    );
    await expect(attempt).rejects.toBeInstanceOf(TenantIsolationError);
    await expect(attempt).rejects.toMatchObject({ code: 'TENANT_ISOLATION_VIOLATION', status: 404 });
    expect(await storedOfA()).toBe(2);
  });

  it("refuses tenant B's appendInOwnTransaction into A's stream as not found", async () => {
    const attempt = store.appendInOwnTransaction(db.app, {
      tenantId: tenantB,
      aggregateType: 'lead',
      aggregateId: leadOfA,
      expectedVersion: 0,
      events: leadEvents(tenantB, leadOfA, 0, 1),
    });
    await expect(attempt).rejects.toBeInstanceOf(TenantIsolationError);
    expect(await storedOfA()).toBe(2);
  });

  it("refuses events stamped with tenant A's id inside tenant B's transaction", async () => {
    const freshLead = newAggregateId();
    const forged = withTransaction(
      db.app,
      (client) =>
        store.append(client, {
          tenantId: tenantA,
          aggregateType: 'lead',
          aggregateId: freshLead,
          expectedVersion: 0,
          events: leadEvents(tenantA, freshLead, 0, 1),
        }),
      { tenantId: tenantB },
    );
    await expect(forged).rejects.toThrow(/row-level security/);
    // Into A's stream at A's version: B sees no such stream (version 0), so it is a conflict.
    for (const outbox of [true, false]) {
      const intoA = withTransaction(
        db.app,
        (client) =>
          store.append(client, {
            tenantId: tenantA,
            aggregateType: 'lead',
            aggregateId: leadOfA,
            expectedVersion: 2,
            events: leadEvents(tenantA, leadOfA, 2, 1),
            outbox,
          }),
        { tenantId: tenantB },
      );
      await expect(intoA).rejects.toMatchObject({
        code: 'CONCURRENCY_EXCEPTION',
        details: { expectedVersion: 2, actualVersion: 0 },
      });
    }
    expect(await storedOfA()).toBe(2);
    expect(
      (
        await db.owner.query(`SELECT count(*)::int AS n FROM "${db.schema}".events WHERE aggregate_id = $1`, [
          freshLead,
        ])
      ).rows[0].n,
    ).toBe(0);
  });

  it('rejects a tenant id that is not a UUID before touching the database', async () => {
    let ran = false;
    const attempt = withTransaction(
      db.app,
      async () => {
        ran = true;
      },
      { tenantId: "x'; DROP TABLE events; --" },
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      details: { issues: [{ path: 'tenantId', message: 'must be a UUID' }] },
    });
    expect(ran).toBe(false);
  });
});
