import { randomUUID } from 'node:crypto';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { eventStreamKey, ENVELOPE_FIELD, fieldValue } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteExpiredEvents } from './archive/archive-retention.ts';
import { eventBusFixture, type EventBusFixture } from './test-support.ts';

const limitedTenant = randomUUID();
let fx: EventBusFixture;
beforeAll(async () => {
  fx = await eventBusFixture('main', {
    EVENTBUS_TENANT_LIMITS: JSON.stringify({ [limitedTenant]: { burst: 2, ratePerSecond: 0.01 } }),
  });
});
afterAll(() => fx.close());

const leadCreatedData = eventCatalogue['lead.created'].example;

async function publish(tenantId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/publish',
    payload: body,
    headers: { authorization: `Bearer ${await fx.token(tenantId)}`, ...headers },
  });
}

async function history(tenantId: string, body: Record<string, unknown> = {}) {
  return fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/history',
    payload: body,
    headers: { authorization: `Bearer ${await fx.token(tenantId)}` },
  });
}

describe('publish -> stream -> archive -> history', () => {
  it('stamps and appends a valid event to its stream, archives it, and shows it only in its tenant history', async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    const res = await publish(
      tenantA,
      { type: 'lead.created', data: leadCreatedData },
      { 'x-correlation-id': 'req-42' },
    );
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      type: 'lead.created',
      schemaVersion: 1,
      correlationId: 'req-42',
      stream: eventStreamKey('lead', fx.namespace),
    });

    const entries = (await fx.redis.xrange(body.stream, '-', '+')) as [string, string[]][];
    const onStream = entries.map(([, fields]) => JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!));
    // Sensitive fields travel sealed (src/encryption); history opens them for the tenant.
    const sealedContact = {
      ...leadCreatedData.contact,
      email: expect.stringMatching(/^enc:v1:1:/),
      firstName: expect.stringMatching(/^enc:v1:1:/),
      lastName: expect.stringMatching(/^enc:v1:1:/),
      phone: expect.stringMatching(/^enc:v1:1:/),
    };
    expect(onStream).toEqual([
      expect.objectContaining({
        id: body.id,
        tenantId: tenantA,
        correlationId: 'req-42',
        data: { ...leadCreatedData, contact: sealedContact },
      }),
    ]);

    await waitFor(async () => (await history(tenantA)).json().events.length === 1, 'the archive to store the event');
    const seen = (await history(tenantA)).json();
    expect(seen).toEqual({
      events: [expect.objectContaining({ id: body.id, type: 'lead.created', tenantId: tenantA })],
      nextCursor: null,
    });
    expect((await history(tenantB)).json()).toEqual({ events: [], nextCursor: null });
  });

  it('refuses an unknown type and bad data with 400 listing every problem, publishing nothing', async () => {
    const tenant = randomUUID();
    const unknown = await publish(tenant, { type: 'lead.teleported', data: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ path: 'type' })] },
    });

    const bad = await publish(tenant, {
      type: 'lead.created',
      data: { ...leadCreatedData, source: 'carrier-pigeon', contact: { ...leadCreatedData.contact, email: 'nope' } },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['data.source', 'data.contact.email']));
    expect(await fx.redis.xlen(eventStreamKey('lead', fx.namespace))).toBe(1); // only the first test's event
  });

  it('refuses a body tenantId other than the token tenant (403) and callers without events:publish (403)', async () => {
    const tenant = randomUUID();
    const other = await publish(tenant, { type: 'lead.created', data: leadCreatedData, tenantId: randomUUID() });
    expect(other.statusCode).toBe(403);
    const viewer = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      payload: { type: 'lead.created', data: leadCreatedData },
      headers: { authorization: `Bearer ${await fx.token(tenant, ['viewer'])}` },
    });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'events:publish' } });
  });

  it('limits each tenant by its token bucket (429 with Retry-After) without touching other tenants', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await publish(limitedTenant, { type: 'lead.created', data: leadCreatedData })).statusCode);
    expect(statuses).toEqual([202, 202, 429]);
    const limited = await publish(limitedTenant, { type: 'lead.created', data: leadCreatedData });
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED', details: { scope: 'tenant', limit: 2 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(1);
    expect((await publish(randomUUID(), { type: 'lead.created', data: leadCreatedData })).statusCode).toBe(202);
  });
});

describe('history', () => {
  it('pages with a cursor in time order, filters by correlation id (the causal chain) and type, refuses a forged cursor', async () => {
    const tenant = randomUUID();
    const ids: string[] = [];
    for (const correlationId of ['chain-1', 'chain-1', 'chain-2']) {
      ids.push((await publish(tenant, { type: 'lead.created', data: leadCreatedData, correlationId })).json().id);
    }
    await waitFor(async () => (await history(tenant)).json().events.length === 3, 'three archived events');

    const first = (await history(tenant, { limit: 2 })).json();
    expect(first.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    const second = (await history(tenant, { limit: 2, cursor: first.nextCursor })).json();
    expect(second).toEqual({ events: [expect.objectContaining({ id: ids[2] })], nextCursor: null });

    const chain = (await history(tenant, { correlationId: 'chain-1' })).json();
    expect(chain.events.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect((await history(tenant, { eventTypes: ['lead.qualified'] })).json().events).toEqual([]);

    const forged = await history(tenant, { cursor: 'not-a-cursor' });
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ error: 'VALIDATION_ERROR', details: { issues: [{ path: 'cursor' }] } });
  });
});

describe('schema catalogue', () => {
  it('lists every catalogue type with its versions and JSON Schema', async () => {
    const res = await fx.app.inject({
      url: '/api/v1/events/schemas',
      headers: { authorization: `Bearer ${await fx.token(randomUUID(), ['viewer'])}` },
    });
    expect(res.statusCode).toBe(200);
    const { schemas } = res.json();
    expect(schemas.map((s: { type: string }) => s.type)).toEqual(Object.keys(eventCatalogue).sort());
    const leadCreated = schemas.find((s: { type: string }) => s.type === 'lead.created');
    expect(leadCreated).toMatchObject({
      aggregateType: 'lead',
      schemaVersion: 1,
      versions: [1],
      jsonSchema: { title: 'lead.created' },
    });
    expect(leadCreated.sensitiveFields).toContain('contact.email');
  });
});

describe('retention', () => {
  it('deletes archived events older than the TTL, of every tenant, and keeps the rest', async () => {
    const owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 1 });
    const worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 1 });
    try {
      // Long past, so no other test's events (stamped now) are ever old enough to go.
      const now = new Date('2000-03-01T00:00:00Z');
      const insert = (tenant: string, occurredAt: string) =>
        owner.query(
          `INSERT INTO event_bus.archived_events (id, tenant_id, type, schema_version, aggregate_type, aggregate_id, aggregate_version,
           occurred_at, correlation_id, envelope, stream, stream_entry_id)
         VALUES ($1, $2, 'lead.created', 1, 'lead', $1, 1, $3, 'c', '{}', 's', '1-0') RETURNING id`,
          [randomUUID(), tenant, occurredAt],
        );
      const old = [
        await insert(randomUUID(), '1999-10-01T00:00:00Z'),
        await insert(randomUUID(), '1999-11-01T00:00:00Z'),
      ];
      const recent = await insert(randomUUID(), '2000-02-15T00:00:00Z');

      expect(await deleteExpiredEvents(worker, 30, now)).toBe(2);
      const ids = [...old, recent].map((r) => r.rows[0].id);
      const left = await owner.query(`SELECT id FROM event_bus.archived_events WHERE id = ANY($1::uuid[])`, [ids]);
      expect(left.rows).toEqual([{ id: recent.rows[0].id }]);
    } finally {
      await Promise.all([owner.end(), worker.end()]);
    }
  });
});
