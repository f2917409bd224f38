import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventStreamKey, fieldValue } from '@bizosaas/messaging';
import { testRedis, waitFor } from '@bizosaas/messaging/testing';
import { STRONG_PASSWORD, bearer, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';
import { EVENT_STORE_SCHEMA } from './record-events.ts';

let t: TestApp;
let owner: pg.Client;
const redis = testRedis('user-management-events');

beforeAll(async () => {
  t = await startTestApp();
  owner = new pg.Client({ connectionString: inject('ownerDatabaseUrl') });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await t?.close();
  redis.disconnect();
});

// While this session holds the relay lock, no relay (of any test file) publishes: the rows stay in the outbox to be looked at.
const RELAY_LOCK = `hashtextextended('outbox-relay:${EVENT_STORE_SCHEMA}', 0)`;
const holdRelays = () => owner.query(`SELECT pg_advisory_lock(${RELAY_LOCK})`);
const releaseRelays = () => owner.query(`SELECT pg_advisory_unlock(${RELAY_LOCK})`);

async function outboxOf(correlationId: string) {
  const { rows } = await owner.query<{ stream_key: string; envelope: Record<string, any> }>(
    `SELECT stream_key, envelope FROM ${EVENT_STORE_SCHEMA}.outbox WHERE envelope->>'correlationId' = $1 ORDER BY position`,
    [correlationId],
  );
  return rows;
}

async function streamEvents(aggregateType: string, correlationId: string) {
  const entries = (await redis.xrevrange(eventStreamKey(aggregateType), '+', '-', 'COUNT', 2000)) as [
    string,
    string[],
  ][];
  return entries
    .map(([, fields]) => JSON.parse(fieldValue(fields, 'envelope') ?? '{}') as Record<string, any>)
    .filter((event) => event.correlationId === correlationId)
    .reverse();
}

describe('events through the outbox', () => {
  it('commits tenant.created and user.created with the change and relays them to Redis Streams', async () => {
    const correlationId = `um-events-${Date.now()}`;
    const email = uniqueEmail('events');
    await holdRelays();
    let res;
    try {
      res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        headers: { 'x-correlation-id': correlationId },
        payload: { tenantName: 'Evented Inc', email, password: STRONG_PASSWORD, firstName: 'Eve' },
      });
      expect(res.statusCode).toBe(201);
      const rows = await outboxOf(correlationId);
      expect(rows.map((row) => [row.stream_key, row.envelope.type])).toEqual([
        [eventStreamKey('tenant'), 'tenant.created'],
        [eventStreamKey('user'), 'user.created'],
      ]);
    } finally {
      await releaseRelays();
    }
    const { tenant, user } = res.json();
    await waitFor(async () => (await streamEvents('user', correlationId)).length === 1, 'user.created on the stream');
    const [tenantCreated] = await streamEvents('tenant', correlationId);
    const [userCreated] = await streamEvents('user', correlationId);
    expect(tenantCreated).toMatchObject({
      type: 'tenant.created',
      tenantId: tenant.id,
      aggregateId: tenant.id,
      aggregateVersion: 1,
      actor: { type: 'user', id: user.id },
      data: { name: 'Evented Inc', slug: tenant.slug, plan: 'free', ownerUserId: user.id, ownerEmail: email },
    });
    expect(userCreated).toMatchObject({
      type: 'user.created',
      tenantId: tenant.id,
      aggregateId: user.id,
      data: { email, firstName: 'Eve', lastName: null, roles: ['owner'], status: 'active' },
    });
    const text = JSON.stringify([tenantCreated, userCreated]);
    expect(text).not.toContain(STRONG_PASSWORD);
    expect(text).not.toContain('scrypt$');
  });

  it('relays user.updated, user.deactivated and tenant.subscription_changed with the request correlation id', async () => {
    const reg = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenantName: 'Lifecycle', email: uniqueEmail(), password: STRONG_PASSWORD },
      })
    ).json();
    const correlationId = `um-lifecycle-${Date.now()}`;
    const headers = { ...bearer(reg.accessToken), 'x-correlation-id': correlationId };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: uniqueEmail(), role: 'member' },
    });
    const id = created.json().user.id;
    await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${id}`,
      headers,
      payload: { role: 'viewer', firstName: 'Vic' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${id}/deactivate`,
      headers,
      payload: { reason: 'security', note: 'lost laptop' },
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/current/subscription',
      headers,
      payload: { plan: 'starter', billingCycle: 'monthly' },
    });

    await waitFor(async () => (await streamEvents('user', correlationId)).length === 3, 'three user events');
    await waitFor(async () => (await streamEvents('tenant', correlationId)).length === 1, 'the subscription event');
    const userEvents = await streamEvents('user', correlationId);
    expect(userEvents.map((e) => [e.type, e.aggregateId, e.aggregateVersion])).toEqual([
      ['user.created', id, 1],
      ['user.updated', id, 2],
      ['user.deactivated', id, 3],
    ]);
    expect(userEvents[0]!.data).toMatchObject({ status: 'invited', roles: ['member'] });
    expect(userEvents[1]!.data).toEqual({ changes: { firstName: 'Vic', roles: ['viewer'] } });
    expect(userEvents[2]!.data).toEqual({ reason: 'security', note: 'lost laptop' });
    expect(JSON.stringify(userEvents)).not.toContain(created.json().invitationToken);
    const [subscription] = await streamEvents('tenant', correlationId);
    expect(subscription).toMatchObject({
      type: 'tenant.subscription_changed',
      aggregateId: reg.tenant.id,
      aggregateVersion: 2,
      data: { previousPlan: 'free', newPlan: 'starter', billingCycle: 'monthly', price: '49.00', currency: 'USD' },
    });
  });

  it('writes no event when the change fails', async () => {
    const reg = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { tenantName: 'No Event', email: uniqueEmail(), password: STRONG_PASSWORD },
      })
    ).json();
    const correlationId = `um-failed-${Date.now()}`;
    await holdRelays();
    try {
      const dup = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { ...bearer(reg.accessToken), 'x-correlation-id': correlationId },
        payload: { email: reg.user.email, role: 'member', password: STRONG_PASSWORD },
      });
      expect(dup.statusCode).toBe(409);
      expect(await outboxOf(correlationId)).toEqual([]);
    } finally {
      await releaseRelays();
    }
  });
});
