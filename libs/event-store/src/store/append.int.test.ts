import { ConcurrencyError, ValidationError } from '@bizosaas/ddd-kernel';
import { createEvent } from '@bizosaas/event-schemas';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { EVENT_COLUMNS, toRawEnvelope, type EventRow } from './event-row.ts';
import {
  leadEvent,
  leadEvents,
  newAggregateId,
  newTenant,
  scratchSchema,
  userActor,
  type Scratch,
} from './test-support.ts';
import { withTransaction } from '@bizosaas/db';

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantId = newTenant();

beforeAll(async () => {
  db = await scratchSchema('append');
  store = createEventStore({ schema: db.schema, namespace: 'test:append:events' });
});
afterAll(() => db.drop());

const append = (input: Omit<Parameters<typeof store.append>[1], 'tenantId'>) =>
  withTransaction(db.app, (client) => store.append(client, { tenantId, ...input }), { tenantId });
const read = (aggregateId: string, fromVersion?: number) =>
  withTransaction(
    db.app,
    (client) =>
      store.readStream(client, { aggregateType: 'lead', aggregateId, ...(fromVersion ? { fromVersion } : {}) }),
    { tenantId },
  );

describe('append and readStream', () => {
  it('round-trips envelopes with correlation, causation, actor and delivery hints', async () => {
    const aggregateId = newAggregateId();
    const first = leadEvent(tenantId, aggregateId, 1);
    const second = leadEvent(tenantId, aggregateId, 2, first);
    const third = createEvent({
      type: 'lead.qualified',
      tenantId,
      aggregateId,
      aggregateVersion: 3,
      actor: { type: 'service', id: 'ai-agents' },
      correlationId: 'req-42',
      causationId: 'cmd:qualify-7',
      metadata: { replay: true },
      data: {
        score: { totalScore: 90, behavioralScore: 80, demographicScore: null, firmographicScore: null },
        method: 'ai',
        analysisId: null,
        notes: 'x',
      },
    });

    const result = await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: [first, second, third],
    });

    expect(result.nextExpectedVersion).toBe(3);
    expect(result.positions).toHaveLength(3);
    expect(result.positions.map(BigInt)).toEqual([...result.positions.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)));
    const events = await read(aggregateId);
    expect(events).toEqual([first, second, third]);
    expect(events[1]).toMatchObject({ correlationId: first.id, causationId: first.id, actor: userActor });
    expect(events[2]).toMatchObject({
      correlationId: 'req-42',
      causationId: 'cmd:qualify-7',
      metadata: { replay: true },
    });
    expect(await read(aggregateId, 3)).toEqual([third]);
  });

  it('stores correlation, causation and actor in the metadata column', async () => {
    const aggregateId = newAggregateId();
    const event = leadEvent(tenantId, aggregateId, 1);
    await append({ aggregateType: 'lead', aggregateId, expectedVersion: 0, events: [event] });
    const { rows } = await db.owner.query(`SELECT metadata, stream_id FROM "${db.schema}".events WHERE event_id = $1`, [
      event.id,
    ]);
    expect(rows[0]).toEqual({
      stream_id: `lead-${aggregateId}`,
      metadata: { correlationId: event.id, causationId: null, actor: userActor },
    });
  });

  it('continues a stream from its version', async () => {
    const aggregateId = newAggregateId();
    await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 2),
    });
    const next = await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 2,
      events: leadEvents(tenantId, aggregateId, 2, 3),
    });
    expect(next.nextExpectedVersion).toBe(5);
    expect((await read(aggregateId)).map((event) => event.aggregateVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects a stale expected version with CONCURRENCY_EXCEPTION carrying expected and actual, writing nothing', async () => {
    const aggregateId = newAggregateId();
    await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 3),
    });

    const stale = append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 1,
      events: leadEvents(tenantId, aggregateId, 1, 2),
    });

    await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(stale).rejects.toMatchObject({
      code: 'CONCURRENCY_EXCEPTION',
      status: 409,
      details: { expectedVersion: 1, actualVersion: 3 },
    });
    expect(await read(aggregateId)).toHaveLength(3);
  });

  it('rejects expectedVersion 0 on an existing stream and a version ahead of it', async () => {
    const aggregateId = newAggregateId();
    await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 1),
    });
    await expect(
      append({
        aggregateType: 'lead',
        aggregateId,
        expectedVersion: 0,
        events: leadEvents(tenantId, aggregateId, 0, 1),
      }),
    ).rejects.toMatchObject({ details: { expectedVersion: 0, actualVersion: 1 } });
    await expect(
      append({
        aggregateType: 'lead',
        aggregateId,
        expectedVersion: 4,
        events: leadEvents(tenantId, aggregateId, 4, 1),
      }),
    ).rejects.toMatchObject({ details: { expectedVersion: 4, actualVersion: 1 } });
  });

  it('refuses events that do not carry the versions and stream they are appended to', async () => {
    const aggregateId = newAggregateId();
    const otherLead = newAggregateId();
    const attempt = append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: [leadEvent(tenantId, aggregateId, 2), leadEvent(tenantId, otherLead, 2)],
    });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({
      details: {
        issues: [
          { path: 'events.0.aggregateVersion', message: 'must be 1, got 2' },
          { path: 'events.1.aggregateId', message: `must be ${aggregateId}, got ${otherLead}` },
        ],
      },
    });
    expect(await read(aggregateId)).toEqual([]);
  });

  it('treats an empty batch as a no-op', async () => {
    const aggregateId = newAggregateId();
    expect(await append({ aggregateType: 'lead', aggregateId, expectedVersion: 0, events: [] })).toEqual({
      nextExpectedVersion: 0,
      positions: [],
    });
  });
});

/** Outbox rows with the envelope the relay publishes for them (the event they point at, read back). */
async function outboxRows(where: string, values: unknown[]) {
  const { rows } = await db.worker.query<
    EventRow & { event_id: string; tenant_id: string; stream_key: string; envelope: unknown }
  >(
    `SELECT o.event_id, o.tenant_id, o.stream_key, o.envelope, ${EVENT_COLUMNS.split(', ')
      .map((c) => `e.${c}`)
      .join(', ')}
     FROM "${db.schema}".outbox o JOIN "${db.schema}".events e ON e.global_position = o.event_position
     WHERE ${where} ORDER BY o.position`,
    values,
  );
  return rows.map((row) => {
    expect(row.envelope).toBeNull(); // the event is not copied
    return {
      event_id: row.event_id,
      tenant_id: row.tenant_id,
      stream_key: row.stream_key,
      envelope: toRawEnvelope(row),
    };
  });
}

describe('outbox rows', () => {
  const outboxOf = (aggregateId: string) => outboxRows(`e.aggregate_id = $1`, [aggregateId]);

  it('writes one row per event, in version order, pointing at an event that reads back as the envelope, with the stream key', async () => {
    const aggregateId = newAggregateId();
    const events = leadEvents(tenantId, aggregateId, 0, 3);
    await append({ aggregateType: 'lead', aggregateId, expectedVersion: 0, events });
    expect(await outboxOf(aggregateId)).toEqual(
      events.map((event) => ({
        event_id: event.id,
        tenant_id: tenantId,
        stream_key: 'test:append:events:{lead}',
        envelope: JSON.parse(JSON.stringify(event)),
      })),
    );
  });

  it('writes none with outbox: false', async () => {
    const aggregateId = newAggregateId();
    await append({
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 2),
      outbox: false,
    });
    expect(await read(aggregateId)).toHaveLength(2);
    expect(await outboxOf(aggregateId)).toEqual([]);
  });

  it('writes neither events nor outbox rows when the transaction rolls back', async () => {
    const aggregateId = newAggregateId();
    const failing = withTransaction(
      db.app,
      async (client) => {
        await store.append(client, {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion: 0,
          events: leadEvents(tenantId, aggregateId, 0, 1),
        });
        throw new Error('handler failed after append');
      },
      { tenantId },
    );
    await expect(failing).rejects.toThrow('handler failed after append');
    expect(await read(aggregateId)).toEqual([]);
    expect(await outboxOf(aggregateId)).toEqual([]);
  });
});

describe('appendInOwnTransaction (one round trip)', () => {
  // Both plan shapes: the tenant must be set before the guard reads, however the statement is planned.
  for (const planCacheMode of ['force_custom_plan', 'force_generic_plan']) {
    it(`commits events and outbox rows and leaves no tenant on the pooled connection (${planCacheMode})`, async () => {
      const pool = new pg.Pool({
        connectionString: inject('appDatabaseUrl'),
        max: 1,
        options: `-c plan_cache_mode=${planCacheMode}`,
      });
      try {
        const aggregateId = newAggregateId();
        const first = leadEvent(tenantId, aggregateId, 1);
        const tricky = createEvent({
          type: 'lead.qualified',
          tenantId,
          aggregateId,
          aggregateVersion: 2,
          actor: userActor,
          data: {
            score: { totalScore: 1, behavioralScore: null, demographicScore: null, firmographicScore: null },
            method: 'manual',
            analysisId: null,
            notes: `O'Brien said "hi" \\ '); DROP TABLE x; -- ü ✓`,
          },
        });
        await store.appendInOwnTransaction(pool, {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion: 0,
          events: [first],
        });
        const result = await store.appendInOwnTransaction(pool, {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion: 1,
          events: [tricky],
        });
        expect(result).toEqual({ nextExpectedVersion: 2, positions: [expect.stringMatching(/^\d+$/)] });
        expect(await read(aggregateId)).toEqual([first, tricky]);
        expect((await outboxRows('o.event_id = $1', [tricky.id])).map((row) => row.envelope)).toEqual([
          JSON.parse(JSON.stringify(tricky)),
        ]);
        expect((await pool.query(`SELECT current_setting('app.current_tenant_id', true) AS t`)).rows).toEqual([
          { t: '' },
        ]);
      } finally {
        await pool.end();
      }
    });
  }

  it('reports a stale version as CONCURRENCY_EXCEPTION and writes nothing; outbox: false writes no outbox row', async () => {
    const aggregateId = newAggregateId();
    await store.appendInOwnTransaction(db.app, {
      tenantId,
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events: leadEvents(tenantId, aggregateId, 0, 2),
      outbox: false,
    });
    const stale = store.appendInOwnTransaction(db.app, {
      tenantId,
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 1,
      events: leadEvents(tenantId, aggregateId, 1, 3),
    });
    await expect(stale).rejects.toMatchObject({
      code: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });
    expect((await read(aggregateId)).map((event) => event.aggregateVersion)).toEqual([1, 2]);
    expect(await outboxRows('e.aggregate_id = $1', [aggregateId])).toEqual([]);
  });
});
