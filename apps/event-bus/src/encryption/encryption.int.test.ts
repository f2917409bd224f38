import { randomUUID } from 'node:crypto';
import { createEvent, eventCatalogue } from '@bizosaas/event-schemas';
import { createPublisher, eventStreamKey, ENVELOPE_FIELD, fieldValue } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, TEST_MASTER_KEYS, type EventBusFixture } from '../test-support.ts';
import { createDataKeyStore } from '@bizosaas/envelope-encryption';
import { createEventBusKeyring, DATA_KEY_TABLE } from './master-keys.ts';
import { openWebhookSecret, resealWebhookSecrets } from './webhook-secrets.ts';

const example = eventCatalogue['lead.created'].example;
const plaintext = example.contact.email;
let fx: EventBusFixture;
let owner: pg.Pool;
beforeAll(async () => {
  fx = await eventBusFixture('encryption');
  owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await fx.close();
  await owner.end();
});

const auth = async (tenantId: string, roles = ['owner']) => ({
  authorization: `Bearer ${await fx.token(tenantId, roles)}`,
});

async function publish(tenantId: string): Promise<string> {
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/publish',
    headers: await auth(tenantId),
    payload: { type: 'lead.created', data: example },
  });
  expect(res.statusCode).toBe(202);
  return res.json().id;
}

async function historyOf(tenantId: string) {
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/history',
    headers: await auth(tenantId),
    payload: {},
  });
  return res.json().events as { id: string; data: typeof example }[];
}

const archived = async (id: string) =>
  (
    await owner.query<{ envelope: { data: typeof example } }>(
      'SELECT envelope FROM event_bus.archived_events WHERE id = $1',
      [id],
    )
  ).rows[0]?.envelope;

async function onStream(id: string) {
  const entries = (await fx.redis.xrange(eventStreamKey('lead', fx.namespace), '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => JSON.parse(fieldValue(fields, ENVELOPE_FIELD)!)).find((event) => event.id === id);
}

describe('per-tenant envelope encryption', () => {
  it('keeps sensitive fields ciphertext in Redis and PostgreSQL, plaintext in the tenant history only', async () => {
    const [tenantA, tenantB] = [randomUUID(), randomUUID()];
    const id = await publish(tenantA);
    const streamed = await onStream(id);
    expect(streamed.data.contact.email).toMatch(/^enc:v1:1:/);
    expect(JSON.stringify(streamed)).not.toContain(plaintext);

    await waitFor(async () => (await archived(id)) !== undefined, 'the archive');
    const stored = await archived(id);
    expect(stored!.data.contact.email).toMatch(/^enc:v1:1:/);
    expect(stored!.data.contact.email).toBe(streamed.data.contact.email);
    expect(JSON.stringify(stored)).not.toContain(plaintext);
    // The data key itself is stored wrapped, never as 32 raw bytes.
    const keys = await owner.query(
      'SELECT version, master_key_id, length(wrapped_key) AS bytes FROM event_bus.tenant_data_keys WHERE tenant_id = $1',
      [tenantA],
    );
    expect(keys.rows).toEqual([{ version: 1, master_key_id: 'test-1', bytes: 12 + 16 + 32 }]);

    expect((await historyOf(tenantA)).map((event) => event.data)).toEqual([example]);
    expect(await historyOf(tenantB)).toEqual([]);
  });

  it('seals the plaintext of producers that do not encrypt before archiving it', async () => {
    const tenant = randomUUID();
    const event = createEvent({
      type: 'lead.created',
      tenantId: tenant,
      actor: { type: 'service', id: 'crm-sync' },
      data: example,
    });
    await createPublisher({ redis: fx.redis, namespace: fx.namespace }).publish(event);
    await waitFor(async () => (await archived(event.id)) !== undefined, 'the archive');
    expect((await archived(event.id))!.data.contact.email).toMatch(/^enc:v1:1:/);
    expect((await historyOf(tenant)).map((e) => e.data)).toEqual([example]);
  });

  it('refuses a caller who sends a sealed value as a sensitive field, publishing nothing', async () => {
    const tenant = randomUUID();
    const sealed = (await onStream(await publish(tenant))).data.contact.email;
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      headers: await auth(tenant),
      payload: { type: 'lead.created', data: { ...example, contact: { ...example.contact, email: sealed } } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'data.contact.email' }] },
    });
  });

  it('rotates a tenant data key: new events use the new version, old ones still open', async () => {
    const tenant = randomUUID();
    const first = await publish(tenant);
    const viewer = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/encryption/data-keys/rotate',
      headers: await auth(tenant, ['admin']),
    });
    expect(viewer.statusCode).toBe(403);
    const rotated = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/encryption/data-keys/rotate',
      headers: await auth(tenant),
    });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json()).toMatchObject({ version: 2, masterKeyId: 'test-1' });
    const second = await publish(tenant);
    expect((await onStream(second)).data.contact.email).toMatch(/^enc:v1:2:/);

    const listed = await fx.app.inject({ url: '/api/v1/events/encryption/data-keys', headers: await auth(tenant) });
    expect(listed.json()).toMatchObject({ activeVersion: 2, dataKeys: [{ version: 1 }, { version: 2 }] });
    await waitFor(async () => (await historyOf(tenant)).length === 2, 'both archived');
    expect((await historyOf(tenant)).map((event) => [event.id, event.data])).toEqual([
      [first, example],
      [second, example],
    ]);
  });

  it('re-wraps data keys and webhook secrets under a new master key without touching event ciphertext', async () => {
    const tenant = randomUUID();
    const id = await publish(tenant);
    const subscribed = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/subscribe',
      headers: await auth(tenant),
      payload: { eventType: 'campaign.*', serviceName: 'crm-sync', webhookUrl: 'http://127.0.0.1:9/hooks' },
    });
    const { id: subscriptionId, secret } = subscribed.json();
    const storedSecret = async () =>
      (await owner.query('SELECT secret FROM event_bus.subscriptions WHERE id = $1', [subscriptionId])).rows[0]
        .secret as string;
    expect(await storedSecret()).toMatch(/^enc:mk1:test-1:/);
    expect(await storedSecret()).not.toContain(secret.slice(6));
    await waitFor(async () => (await archived(id)) !== undefined, 'the archive');
    const before = (await archived(id))!.data.contact.email;

    const next = await eventBusFixture('encryption-rewrap', { EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-2' });
    try {
      const refused = await next.app.inject({
        method: 'POST',
        url: '/api/v1/events/encryption/master-key/rewrap',
        headers: { authorization: `Bearer ${await next.token(tenant, ['owner'])}` },
      });
      expect(refused.statusCode).toBe(403);
      const res = await next.app.inject({
        method: 'POST',
        url: '/api/v1/events/encryption/master-key/rewrap',
        headers: { authorization: `Bearer ${await next.token(tenant, ['service'])}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ activeMasterKeyId: 'test-2' });
      expect(res.json().dataKeysRewrapped).toBeGreaterThanOrEqual(1);
      const keys = await owner.query(
        'SELECT master_key_id, rewrapped_at FROM event_bus.tenant_data_keys WHERE tenant_id = $1',
        [tenant],
      );
      expect(keys.rows).toEqual([{ master_key_id: 'test-2', rewrapped_at: expect.any(Date) }]);
      expect(await storedSecret()).toMatch(/^enc:mk1:test-2:/);
    } finally {
      await next.close();
    }
    expect((await archived(id))!.data.contact.email).toBe(before);
    // A fixture still sealing with test-1 opens what test-2 now wraps: both keys are configured.
    expect((await historyOf(tenant)).map((event) => event.data)).toEqual([example]);
  });

  it('refuses a subscription filter on an encrypted field (it could never match), creating nothing', async () => {
    const tenant = randomUUID();
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/subscribe',
      headers: await auth(tenant),
      payload: {
        eventType: 'lead.*',
        serviceName: 'crm-sync',
        webhookUrl: 'http://127.0.0.1:9/hooks',
        filter: { 'data.contact.email': plaintext },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'filter.data.contact.email' }] },
    });
    const listed = await fx.app.inject({ url: '/api/v1/events/subscriptions', headers: await auth(tenant) });
    expect(listed.json().subscriptions).toEqual([]);
  });

  it('seals webhook secrets stored before sealing existed, keeping them usable', async () => {
    const [tenant, id] = [randomUUID(), randomUUID()];
    const secret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
    await owner.query(
      `INSERT INTO event_bus.subscriptions (id, tenant_id, event_type, service_name, webhook_url, secret) VALUES ($1, $2, 'lead.*', 'legacy', 'http://127.0.0.1:9/hooks', $3)`,
      [id, tenant, secret],
    );
    const worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 1 });
    try {
      const keyring = createEventBusKeyring(TEST_MASTER_KEYS, 'test-1');
      expect(await resealWebhookSecrets(worker, keyring, 'plaintext')).toBeGreaterThanOrEqual(1);
      const stored = (await owner.query('SELECT secret FROM event_bus.subscriptions WHERE id = $1', [id])).rows[0]
        .secret as string;
      expect(stored).toMatch(/^enc:mk1:test-1:/);
      expect(openWebhookSecret(keyring, stored, { tenantId: tenant, subscriptionId: id })).toBe(secret);
    } finally {
      await worker.end();
    }
  });

  it('another replica seals with a rotated data key once its refresh interval has passed', async () => {
    const tenant = randomUUID();
    const app = new pg.Pool({ connectionString: inject('appDatabaseUrl'), max: 2 });
    try {
      let clock = 0;
      const keyring = createEventBusKeyring(TEST_MASTER_KEYS, 'test-1');
      const replica = (now?: () => number) =>
        createDataKeyStore({
          pool: app,
          keyring,
          table: DATA_KEY_TABLE,
          cacheSize: 10,
          activeRefreshMs: 60_000,
          ...(now && { now }),
        });
      const [here, there] = [replica(), replica(() => clock)];
      expect((await there.active(tenant)).version).toBe(1);
      expect((await here.rotate(tenant)).version).toBe(2);
      expect((await here.active(tenant)).version).toBe(2);
      clock = 59_999;
      expect((await there.active(tenant)).version).toBe(1);
      clock = 60_000;
      expect((await there.active(tenant)).version).toBe(2);
    } finally {
      await app.end();
    }
  });
});
