import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EventBusClient, EventBusError, verifyWebhook, WebhookVerificationError } from '@bizosaas/event-bus-client';
import { createEvent, eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import { waitFor } from '@bizosaas/messaging/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, startReceiver, type EventBusFixture } from './test-support.ts';

// The SDK of libs/event-bus-client against the real service listening on loopback: a lib may
// not import an app (tools/architecture), so its integration test lives here.

const limitedTenant = randomUUID();
const leadCreated = eventCatalogue['lead.created'].example;
let fx: EventBusFixture;
let baseUrl: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let workerPool: pg.Pool;
const clients: EventBusClient[] = [];

beforeAll(async () => {
  fx = await eventBusFixture('sdk', {
    EVENTBUS_DELIVERY_POLL_MS: '100',
    EVENTBUS_TENANT_LIMITS: JSON.stringify({ [limitedTenant]: { burst: 1, ratePerSecond: 1 } }),
  });
  await fx.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}`;
  receiver = await startReceiver();
  workerPool = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await fx.close();
  await receiver.close();
  await workerPool.end();
});

/** A client of `tenantId`, its token from an async provider as a service would mint it. */
function clientOf(tenantId: string, options: { retries?: number } = {}) {
  const client = new EventBusClient({ baseUrl, token: () => fx.token(tenantId), timeoutMs: 5_000, ...options });
  clients.push(client);
  return client;
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected an EventBusError'),
    (error: unknown) => {
      expect(error).toBeInstanceOf(EventBusError);
      return error as EventBusError;
    },
  );

describe('EventBusClient against the event-bus', () => {
  it('publishes, subscribes a webhook, and the delivery verifies with the subscription secret', async () => {
    const bus = clientOf(randomUUID());
    const subscription = await bus.subscribe({
      eventType: 'lead.*',
      serviceName: 'crm-sync',
      webhookUrl: receiver.url,
      filter: { 'data.source': leadCreated.source },
    });
    expect(subscription).toMatchObject({
      eventType: 'lead.*',
      status: 'active',
      failingSince: null,
      secret: expect.stringMatching(/^whsec_/),
    });

    const published = await bus.publish({ type: 'lead.created', data: leadCreated, correlationId: 'sdk-chain-1' });
    expect(published).toMatchObject({
      type: 'lead.created',
      schemaVersion: 1,
      correlationId: 'sdk-chain-1',
      stream: expect.stringContaining(fx.namespace),
    });
    expect((await bus.publish({ type: 'lead.created', data: leadCreated, priority: 'high' })).stream).toMatch(/:high$/);

    await waitFor(() => receiver.received.some((r) => r.headers['webhook-id'] === published.id), 'the webhook');
    const delivery = receiver.received.find((r) => r.headers['webhook-id'] === published.id)!;
    const event = verifyWebhook({ secret: subscription.secret, headers: delivery.headers, body: delivery.body });
    expect(event).toMatchObject({
      id: published.id,
      type: 'lead.created',
      correlationId: 'sdk-chain-1',
      data: leadCreated,
    });
    expect(() =>
      verifyWebhook({
        secret: subscription.secret,
        headers: delivery.headers,
        body: delivery.body.replace('"lead.created"', '"lead.deleted"'),
      }),
    ).toThrow(WebhookVerificationError);
    await bus.deleteSubscription(subscription.id);
  });

  it('pages through history with the cursor, follows a correlation chain, and replays it marked as a replay', async () => {
    const bus = clientOf(randomUUID());
    const ids: string[] = [];
    for (const correlationId of ['chain-x', 'chain-y', 'chain-x', 'chain-x', 'chain-y']) {
      ids.push((await bus.publish({ type: 'lead.created', data: leadCreated, correlationId })).id);
    }
    await waitFor(async () => (await bus.history({ limit: 500 })).events.length === 5, 'the archive');
    const first = await bus.history({ limit: 2 });
    expect(first.events.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const all: string[] = [];
    for await (const event of bus.iterateHistory({ limit: 2 })) all.push(event.id);
    expect(all).toEqual(ids);
    const chain: string[] = [];
    for await (const event of bus.iterateHistory({
      correlationId: 'chain-x',
      eventTypes: ['lead.created'],
      from: new Date(Date.now() - 60_000),
    }))
      chain.push(event.id);
    expect(chain).toEqual([ids[0], ids[2], ids[3]]);

    const { id: subscriptionId, secret } = await bus.subscribe({
      eventType: 'lead.created',
      serviceName: 'replayer',
      webhookUrl: receiver.url,
    });
    expect(await bus.replay({ subscriptionId, correlationId: 'chain-x' })).toEqual({ replayed: 3 });
    const replayedTo = () =>
      receiver.received.filter(
        (r) => chain.includes(String(r.headers['webhook-id'])) && JSON.parse(r.body).metadata?.replay,
      );
    await waitFor(() => replayedTo().length === 3, 'the replayed deliveries');
    for (const delivery of replayedTo())
      expect(verifyWebhook({ secret, headers: delivery.headers, body: delivery.body }).metadata).toEqual({
        replay: true,
      });
    await bus.deleteSubscription(subscriptionId);
  });

  it('lists, gets, pauses, resumes and deletes subscriptions', async () => {
    const bus = clientOf(randomUUID());
    const { id } = await bus.subscribe({
      eventType: '*',
      serviceName: 'audit',
      webhookUrl: 'http://127.0.0.1:9/hooks',
    });
    expect((await bus.listSubscriptions()).map((s) => s.id)).toEqual([id]);
    expect(await bus.getSubscription(id)).toMatchObject({ id, eventType: '*', serviceName: 'audit', status: 'active' });
    expect(await bus.pauseSubscription(id)).toMatchObject({ id, status: 'paused' });
    expect((await bus.getSubscription(id)).status).toBe('paused');
    expect(await bus.resumeSubscription(id)).toMatchObject({ id, status: 'active' });
    await bus.deleteSubscription(id);
    expect(await bus.listSubscriptions()).toEqual([]);
    expect(await failureOf(bus.getSubscription(id))).toMatchObject({ status: 404, code: 'TENANT_ISOLATION_VIOLATION' });
  });

  it('lists dead letters with every attempt, redrives one, redrives all and discards one', async () => {
    const tenant = randomUUID();
    const bus = clientOf(tenant);
    const flaky = await startReceiver();
    try {
      const { id: subscriptionId } = await bus.subscribe({
        eventType: 'lead.created',
        serviceName: 'flaky',
        webhookUrl: flaky.url,
      });
      const events = [1, 2, 3].map(() =>
        createEvent({
          type: 'lead.created',
          tenantId: tenant,
          actor: { type: 'system', id: 'test' },
          data: leadCreated,
        }),
      );
      for (const event of events) await insertDeadDelivery(tenant, subscriptionId, event);
      const listed = await bus.listDeadLetters();
      expect(listed.map((d) => d.eventId).sort()).toEqual(events.map((e) => e.id).sort());
      const dead = events.map((event) => listed.find((d) => d.eventId === event.id)!);
      expect(dead[0]).toMatchObject({ subscriptionId, eventType: 'lead.created', attempts: 7, lastError: 'HTTP 500' });
      expect(dead[0]!.attemptsLog.map((a) => [a.attempt, a.statusCode])).toEqual(
        Array.from({ length: 7 }, (_, i) => [i + 1, 500]),
      );

      expect(await bus.redriveDeadLetter(dead[0]!.id)).toEqual({ redriven: 1 });
      await bus.discardDeadLetter(dead[1]!.id);
      expect((await bus.listDeadLetters()).map((d) => d.id)).toEqual([dead[2]!.id]);
      expect(await bus.redriveAllDeadLetters()).toEqual({ redriven: 1 });
      await waitFor(() => flaky.received.length === 2, 'the redriven deliveries');
      expect(flaky.received.map((r) => r.headers['webhook-id']).sort()).toEqual([events[0]!.id, events[2]!.id].sort());
      expect(await bus.listDeadLetters()).toEqual([]);
      expect(await failureOf(bus.discardDeadLetter(dead[1]!.id))).toMatchObject({
        status: 404,
        code: 'TENANT_ISOLATION_VIOLATION',
      });
    } finally {
      await flaky.close();
    }
  });

  it('reads the schema catalogue', async () => {
    const schemas = await clientOf(randomUUID()).schemas();
    expect(schemas.find((s) => s.type === 'lead.created')).toMatchObject({
      aggregateType: 'lead',
      schemaVersion: expect.any(Number),
      versions: expect.arrayContaining([1]),
      jsonSchema: expect.objectContaining({ type: 'object' }),
    });
    expect(schemas.length).toBe(Object.keys(eventCatalogue).length);
  });
});

describe('EventBusClient errors', () => {
  it('surfaces a 400 as VALIDATION_ERROR with every bad field in details, and a bad token as 401', async () => {
    const bus = clientOf(randomUUID());
    const bad = await failureOf(
      bus.publish({
        type: 'lead.created',
        schemaVersion: 1,
        data: { ...leadCreated, source: 'carrier-pigeon', contact: { ...leadCreated.contact, email: 'nope' } },
      }),
    );
    expect(bad).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect((bad.details.issues as { path: string }[]).map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['data.source', 'data.contact.email']),
    );
    const subscribe = await failureOf(
      bus.subscribe({ eventType: 'lead', serviceName: 'Bad Name', webhookUrl: 'ftp://x' }),
    );
    expect((subscribe.details.issues as { path: string }[]).map((issue) => issue.path).sort()).toEqual([
      'eventType',
      'serviceName',
      'webhookUrl',
    ]);
    expect(await failureOf(bus.history({ cursor: 'forged' }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ path: 'cursor' })] },
    });

    const stranger = new EventBusClient({ baseUrl, token: 'not-a-token' });
    clients.push(stranger);
    expect(await failureOf(stranger.schemas())).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('throws 429 RATE_LIMITED with retryAfterSeconds when told not to retry, and waits Retry-After out when allowed to', async () => {
    const impatient = clientOf(limitedTenant, { retries: 0 });
    await impatient.publish({ type: 'lead.created', data: leadCreated });
    const limited = await failureOf(impatient.publish({ type: 'lead.created', data: leadCreated }));
    expect(limited).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      retryAfterSeconds: 1,
      details: { retryAfterSeconds: 1 },
    });

    const patient = clientOf(limitedTenant, { retries: 2 });
    const started = Date.now();
    expect(await patient.publish({ type: 'lead.created', data: leadCreated })).toMatchObject({ type: 'lead.created' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("never shows one tenant another tenant's subscriptions, events or dead letters", async () => {
    const [a, b] = [clientOf(randomUUID()), clientOf(randomUUID())];
    // A type the published event does not match: no delivery to an unreachable URL is left retrying.
    const { id } = await a.subscribe({
      eventType: 'campaign.*',
      serviceName: 'crm-sync',
      webhookUrl: 'http://127.0.0.1:9/hooks',
    });
    const { id: eventId } = await a.publish({
      type: 'lead.created',
      data: leadCreated,
      correlationId: 'tenant-a-only',
    });
    await waitFor(async () => (await a.history({ correlationId: 'tenant-a-only' })).events.length === 1, 'the archive');

    expect(await b.listSubscriptions()).toEqual([]);
    const foreign = [
      () => b.getSubscription(id),
      () => b.pauseSubscription(id),
      () => b.deleteSubscription(id),
      () => b.replay({ subscriptionId: id, correlationId: 'tenant-a-only' }),
    ];
    for (const call of foreign) {
      expect(await failureOf(call())).toMatchObject({ status: 404, code: 'TENANT_ISOLATION_VIOLATION' });
    }
    expect(await b.history({ correlationId: 'tenant-a-only' })).toEqual({ events: [], nextCursor: null });
    expect((await a.history({ correlationId: 'tenant-a-only' })).events.map((e) => e.id)).toEqual([eventId]);
    expect(
      await failureOf(
        b.publish({
          type: 'lead.created',
          data: leadCreated,
          tenantId: (await a.history({ correlationId: 'tenant-a-only' })).events[0]!.tenantId,
        }),
      ),
    ).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await failureOf(b.redriveDeadLetter(randomUUID()))).toMatchObject({ status: 404 });
    expect(await a.getSubscription(id)).toMatchObject({ status: 'active' });
    await a.deleteSubscription(id);
  });
});

/** A delivery that ran out of retries, as the delivery worker leaves it (its own tests drive that path). */
async function insertDeadDelivery(tenantId: string, subscriptionId: string, event: EventEnvelope) {
  const deliveryId = randomUUID();
  await workerPool.query(
    `INSERT INTO event_bus.deliveries (id, tenant_id, subscription_id, event_id, event_type, envelope, status, attempts, next_attempt_at, last_error)
     VALUES ($1, $2, $3, $4, $5, $6, 'dead', 7, now(), 'HTTP 500')`,
    [deliveryId, tenantId, subscriptionId, event.id, event.type, JSON.stringify(event)],
  );
  await workerPool.query(
    `INSERT INTO event_bus.delivery_attempts (id, tenant_id, delivery_id, attempt, attempted_at, status_code, latency_ms, error)
     SELECT gen_random_uuid(), $1, $2, n, now(), 500, 3, 'HTTP 500' FROM generate_series(1, 7) AS n`,
    [tenantId, deliveryId],
  );
}
