import { randomUUID } from 'node:crypto';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { waitFor } from '@bizosaas/messaging/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from '../test-support.ts';

let fx: EventBusFixture;
let worker: pg.Pool;
beforeAll(async () => {
  // The fixture allows 127.0.0.0/8, as development does: what is refused below is refused even then.
  fx = await eventBusFixture('subscriptions', { EVENTBUS_DELIVERY_POLL_MS: '200' });
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await fx.close();
  await worker.end();
});

const auth = async (tenantId: string) => ({ authorization: `Bearer ${await fx.token(tenantId)}` });
const subscribe = async (tenantId: string, body: Record<string, unknown>) =>
  fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/subscribe',
    headers: await auth(tenantId),
    payload: { serviceName: 'crm-sync', ...body },
  });
const listed = async (tenantId: string) =>
  (await fx.app.inject({ url: '/api/v1/events/subscriptions', headers: await auth(tenantId) }))
    .json()
    .subscriptions.map((s: { id: string }) => s.id);

describe('subscriptions', () => {
  it('keeps subscriptions to their tenant: another tenant gets 404, allTenants is refused to users, bad input is 400', async () => {
    const tenant = randomUUID();
    const { id } = (
      await subscribe(tenant, { eventType: 'lead.created', webhookUrl: 'http://127.0.0.1:9/hooks' })
    ).json();
    const other = await auth(randomUUID());
    const foreign = await fx.app.inject({ url: `/api/v1/events/subscriptions/${id}`, headers: other });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ error: 'TENANT_ISOLATION_VIOLATION' });
    expect(
      (await fx.app.inject({ method: 'DELETE', url: `/api/v1/events/subscriptions/${id}`, headers: other })).statusCode,
    ).toBe(404);

    const everyone = await subscribe(tenant, {
      eventType: '*',
      serviceName: 'spy',
      webhookUrl: 'http://127.0.0.1:9/',
      allTenants: true,
    });
    expect(everyone.statusCode).toBe(403);
    const bad = await subscribe(tenant, { eventType: 'lead', serviceName: 'Bad Name', webhookUrl: 'ftp://x' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .details.issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['eventType', 'serviceName', 'webhookUrl']);
    expect(await listed(tenant)).toEqual([id]);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://[::ffff:169.254.169.254]/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://2852039166/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal is a cloud metadata address'],
    ['http://169.254.10.1/', '169.254.10.1 is a link-local address'],
    ['http://10.0.0.5/hooks', '10.0.0.5 is a private address'],
    ['http://100.64.0.1/hooks', '100.64.0.1 is a carrier-grade NAT address'],
    ['http://[::1]:8080/hooks', '::1 is a loopback address'],
    ['http://0.0.0.0:8009/hooks', '0.0.0.0 is an unspecified address'],
  ])('refuses %s with 400 naming webhookUrl and stores nothing', async (webhookUrl, reason) => {
    const tenant = randomUUID();
    const res = await subscribe(tenant, { eventType: 'lead.created', webhookUrl });
    expect([res.statusCode, res.json().error]).toEqual([400, 'VALIDATION_ERROR']);
    expect(res.json().details.issues).toEqual([
      { path: 'webhookUrl', message: `must reach a public address: ${reason}`, location: 'body' },
    ]);
    expect(await listed(tenant)).toEqual([]);
  });

  it('fails a delivery to a stored URL the policy refuses once, dead at once', async () => {
    const tenant = randomUUID();
    const { id } = (
      await subscribe(tenant, { eventType: 'lead.created', webhookUrl: 'https://hooks.example.com/in' })
    ).json();
    // A row written before URLs were checked (or by hand): delivery checks again.
    await worker.query(`UPDATE event_bus.subscriptions SET webhook_url = 'http://10.0.0.7/hooks' WHERE id = $1`, [id]);
    const published = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      headers: await auth(tenant),
      payload: { type: 'lead.created', data: eventCatalogue['lead.created'].example },
    });
    expect(published.statusCode).toBe(202);

    const deadLetters = async () =>
      (await fx.app.inject({ url: '/api/v1/events/dead-letters', headers: await auth(tenant) })).json().deadLetters;
    await waitFor(async () => (await deadLetters()).length === 1, 'the refused delivery in dead letters');
    const [dead] = await deadLetters();
    expect(dead).toMatchObject({
      subscriptionId: id,
      attempts: 1,
      lastError: 'OUTBOUND_ADDRESS_REFUSED: Outbound request to 10.0.0.7 refused: 10.0.0.7 is a private address',
    });
    expect(dead.attemptsLog).toEqual([expect.objectContaining({ statusCode: null })]);
  });
});
