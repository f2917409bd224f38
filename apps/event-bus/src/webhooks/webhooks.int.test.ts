import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import { waitFor } from '@bizosaas/messaging/testing';
import { createAddressPolicy, createOutboundHttp, systemResolve } from '@bizosaas/outbound-http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, startReceiver, testEncryption, type EventBusFixture } from '../test-support.ts';
import {
  createDeliveryWorker,
  PARKED_UNTIL,
  type AttemptOutcome,
  type DeliveryWorkerOptions,
} from './delivery-worker.ts';
import { fanOut } from './fan-out.ts';
import { RETRY_DELAYS_MS } from './retry-schedule.ts';
import { webhookSignature } from './webhook-signature.ts';

let fx: EventBusFixture;
let worker: pg.Pool;
let prepare: ReturnType<typeof testEncryption>['webhookPayload'];
const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
beforeAll(async () => {
  fx = await eventBusFixture('webhooks', { EVENTBUS_DELIVERY_POLL_MS: '200' });
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 4 });
  prepare = testEncryption(worker).webhookPayload;
});
afterAll(async () => {
  await fx.close();
  await Promise.all([worker.end(), http.close()]);
});

/** A delivery worker on the test's clock: a day's limit before disabling unless `options` say otherwise. */
const deliveryWorker = (now: () => Date, options: Partial<DeliveryWorkerOptions> = {}) =>
  createDeliveryWorker({ pool: worker, http, now, timeoutMs: 2_000, disableAfterMs: 86_400_000, prepare, ...options });

async function subscribe(tenantId: string, body: Record<string, unknown>) {
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/subscribe',
    payload: { serviceName: 'crm-sync', ...body },
    headers: { authorization: `Bearer ${await fx.token(tenantId)}` },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string; secret: string }>();
}

const leadCreated = (tenantId: string): EventEnvelope =>
  createEvent({
    type: 'lead.created',
    tenantId,
    actor: { type: 'system', id: 'test' },
    data: eventCatalogue['lead.created'].example,
  });

const verify = (secret: string, delivery: { headers: IncomingHttpHeaders; body: string }) =>
  webhookSignature(
    secret,
    String(delivery.headers['webhook-id']),
    Number(delivery.headers['webhook-timestamp']),
    delivery.body,
  ) === delivery.headers['webhook-signature'];

/**
 * The attempts of one subscription: a worker on a clock a day ahead also finds other test files'
 * pending deliveries due (the database is shared), so each test looks only at its own.
 */
const ours = (outcomes: AttemptOutcome[], subscriptionId: string) =>
  outcomes.filter((o) => o.subscriptionId === subscriptionId);

describe('webhook subscriptions', () => {
  it("delivers a published event to a subscribed receiver with a valid signature; another tenant's event is not sent", async () => {
    const receiver = await startReceiver();
    try {
      const [tenant, other] = [randomUUID(), randomUUID()];
      const { secret } = await subscribe(tenant, { eventType: 'lead.*', webhookUrl: receiver.url });
      const publish = async (t: string) =>
        (
          await fx.app.inject({
            method: 'POST',
            url: '/api/v1/events/publish',
            payload: { type: 'lead.created', data: eventCatalogue['lead.created'].example },
            headers: { authorization: `Bearer ${await fx.token(t)}` },
          })
        ).json().id as string;
      await publish(other);
      const id = await publish(tenant);

      await waitFor(() => receiver.received.length >= 1, 'the webhook');
      await new Promise((resolve) => setTimeout(resolve, 300)); // nothing else may arrive
      expect(receiver.received).toHaveLength(1);
      const [delivery] = receiver.received;
      expect(delivery!.headers['webhook-id']).toBe(id);
      expect(JSON.parse(delivery!.body)).toMatchObject({ id, type: 'lead.created', tenantId: tenant });
      expect(verify(secret, delivery!)).toBe(true);
      expect(verify(`whsec_${Buffer.from('another secret').toString('base64')}`, delivery!)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('retries on the schedule: failing three times then recovering, it gets the event exactly at the fourth attempt', async () => {
    const receiver = await startReceiver();
    try {
      const tenant = randomUUID();
      const { id } = await subscribe(tenant, { eventType: 'lead.created', webhookUrl: receiver.url });
      // A clock a day ahead: the service's own delivery loop (real time) never finds these due.
      let clock = new Date(Date.now() + 86_400_000);
      const deliveries = deliveryWorker(() => clock);
      const at = (ms: number) => (clock = new Date(start.getTime() + ms));
      const start = clock;
      receiver.plan.push(500, 503, 500);
      await fanOut(worker, [leadCreated(tenant)], clock);

      const statuses: (number | null)[][] = [];
      const pass = async () => statuses.push(ours(await deliveries.runDue(), id).map((o) => o.statusCode));
      await pass(); // t0: 500
      at(RETRY_DELAYS_MS[1] - 1);
      await pass(); // not yet due
      at(RETRY_DELAYS_MS[1]);
      await pass(); // t0 + 5 s: 503
      at(RETRY_DELAYS_MS[1] + RETRY_DELAYS_MS[2] - 1);
      await pass();
      at(RETRY_DELAYS_MS[1] + RETRY_DELAYS_MS[2]);
      await pass(); // + 5 min: 500
      at(RETRY_DELAYS_MS[1] + RETRY_DELAYS_MS[2] + RETRY_DELAYS_MS[3] - 1);
      await pass();
      at(RETRY_DELAYS_MS[1] + RETRY_DELAYS_MS[2] + RETRY_DELAYS_MS[3]);
      await pass(); // + 30 min: 200
      at(86_000_000);
      await pass(); // delivered: never again

      expect(statuses).toEqual([[500], [], [503], [], [500], [], [200], []]);
      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(
        Array(4).fill(receiver.received[0]!.headers['webhook-id']),
      );
    } finally {
      await receiver.close();
    }
  });

  it('moves a permanently failing delivery to dead letters with every attempt, and a redrive delivers it', async () => {
    const receiver = await startReceiver();
    try {
      const tenant = randomUUID();
      const { id } = await subscribe(tenant, { eventType: '*', webhookUrl: receiver.url });
      const start = new Date(Date.now() + 86_400_000);
      let clock = start;
      const deliveries = deliveryWorker(() => clock, { disableAfterMs: 7 * 86_400_000 });
      receiver.plan.push(...Array(7).fill(500));
      const event = leadCreated(tenant);
      await fanOut(worker, [event], clock);
      let elapsed = 0;
      for (const delay of RETRY_DELAYS_MS) {
        elapsed += delay;
        clock = new Date(start.getTime() + elapsed);
        expect(ours(await deliveries.runDue(), id).map((o) => o.statusCode)).toEqual([500]);
      }
      const auth = { authorization: `Bearer ${await fx.token(tenant)}` };
      const dead = (await fx.app.inject({ url: '/api/v1/events/dead-letters', headers: auth })).json().deadLetters;
      expect(dead).toEqual([expect.objectContaining({ eventId: event.id, attempts: 7, lastError: 'HTTP 500' })]);
      expect(dead[0].attemptsLog.map((a: { statusCode: number }) => a.statusCode)).toEqual(Array(7).fill(500));
      expect(
        await fx.app.inject({
          url: '/api/v1/events/dead-letters',
          headers: { authorization: `Bearer ${await fx.token(randomUUID())}` },
        }),
      ).toMatchObject({ statusCode: 200 });

      const redriven = await fx.app.inject({
        method: 'POST',
        url: `/api/v1/events/dead-letters/${dead[0].id}/redrive`,
        headers: auth,
      });
      expect(redriven.json()).toEqual({ redriven: 1 });
      // Due now by the real clock: the service's own delivery loop sends it.
      await waitFor(() => receiver.received.length === 8, 'the redriven delivery');
      await waitFor(
        async () =>
          (await fx.app.inject({ url: '/api/v1/events/dead-letters', headers: auth })).json().deadLetters.length === 0,
        'no dead letters left',
      );
    } finally {
      await receiver.close();
    }
  });

  it('disables a subscription that keeps failing for longer than the limit; resume re-enables it', async () => {
    const receiver = await startReceiver();
    try {
      const tenant = randomUUID();
      const { id } = await subscribe(tenant, { eventType: 'lead.created', webhookUrl: receiver.url });
      const start = new Date(Date.now() + 86_400_000);
      let clock = start;
      const deliveries = deliveryWorker(() => clock, { disableAfterMs: 600_000 });
      receiver.plan.push(500, 500, 500, 500);
      await fanOut(worker, [leadCreated(tenant)], clock);
      for (const ms of [0, 5_000, 305_000]) {
        clock = new Date(start.getTime() + ms);
        await deliveries.runDue();
      }
      const auth = { authorization: `Bearer ${await fx.token(tenant)}` };
      const view = async () =>
        (await fx.app.inject({ url: `/api/v1/events/subscriptions/${id}`, headers: auth })).json();
      expect(await view()).toMatchObject({ status: 'active', failingSince: start.toISOString() });
      clock = new Date(start.getTime() + 2_105_000); // the 4th attempt, 35 min after the first failure
      await deliveries.runDue();
      expect(await view()).toMatchObject({ status: 'disabled' });
      clock = new Date(start.getTime() + 86_000_000);
      expect(ours(await deliveries.runDue(), id)).toEqual([]); // a disabled subscription gets nothing

      const resumed = await fx.app.inject({
        method: 'POST',
        url: `/api/v1/events/subscriptions/${id}/resume`,
        headers: auth,
      });
      expect(resumed.json()).toMatchObject({ status: 'active', failingSince: null });
      await waitFor(() => receiver.received.length === 5, 'the delivery after resuming');
      expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    } finally {
      await receiver.close();
    }
  });

  it("parks a paused subscription's due deliveries, sends the others behind them, and resuming sends the parked", async () => {
    const [paused, open] = [await startReceiver(), await startReceiver()];
    try {
      const tenant = randomUUID();
      const auth = { authorization: `Bearer ${await fx.token(tenant)}` };
      const events = () => [leadCreated(tenant), leadCreated(tenant), leadCreated(tenant)];
      const a = await subscribe(tenant, { eventType: 'lead.created', webhookUrl: paused.url });
      const aDue = new Date(Date.now() + 86_400_000);
      await fanOut(worker, events(), aDue);
      const pause = `/api/v1/events/subscriptions/${a.id}/pause`;
      expect((await fx.app.inject({ method: 'POST', url: pause, headers: auth })).statusCode).toBe(200);
      const b = await subscribe(tenant, { eventType: 'lead.created', webhookUrl: open.url });
      const clock = new Date(aDue.getTime() + 1);
      await fanOut(worker, events(), clock); // B's only: A is paused
      // Batches of 2, A's three deliveries due first: one pass claims on past them to B's.
      const deliveries = deliveryWorker(() => clock, { batchSize: 2 });
      const first = await deliveries.runDue();
      expect(first.length).toBeGreaterThan(0);
      const sent: AttemptOutcome[] = ours(first, b.id);
      for (let pass = 0; pass < 20 && sent.length < 3; pass += 1) sent.push(...ours(await deliveries.runDue(), b.id));
      expect(sent.map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(open.received).toHaveLength(3);
      const { rows } = await worker.query<{ status: string; attempts: number; next_attempt_at: Date }>(
        'SELECT status, attempts, next_attempt_at FROM event_bus.deliveries WHERE subscription_id = $1',
        [a.id],
      );
      expect(rows).toEqual(Array(3).fill({ status: 'pending', attempts: 0, next_attempt_at: PARKED_UNTIL }));
      expect(paused.received).toEqual([]);

      const resume = `/api/v1/events/subscriptions/${a.id}/resume`;
      expect((await fx.app.inject({ method: 'POST', url: resume, headers: auth })).statusCode).toBe(200);
      await waitFor(() => paused.received.length === 3, "the paused subscription's deliveries after resuming");
      expect(paused.received.every((delivery) => verify(a.secret, delivery))).toBe(true);
    } finally {
      await Promise.all([paused.close(), open.close()]);
    }
  });

  it('replays a correlation chain to a subscription, marked as a replay', async () => {
    const receiver = await startReceiver();
    try {
      const tenant = randomUUID();
      const { id: subscriptionId } = await subscribe(tenant, { eventType: 'lead.created', webhookUrl: receiver.url });
      const auth = { authorization: `Bearer ${await fx.token(tenant)}` };
      const ids: string[] = [];
      for (const correlationId of ['chain-a', 'chain-b', 'chain-a']) {
        ids.push(
          (
            await fx.app.inject({
              method: 'POST',
              url: '/api/v1/events/publish',
              headers: auth,
              payload: { type: 'lead.created', data: eventCatalogue['lead.created'].example, correlationId },
            })
          ).json().id,
        );
      }
      await waitFor(() => receiver.received.length === 3, 'the three deliveries');
      await waitFor(
        async () =>
          (await fx.app.inject({ method: 'POST', url: '/api/v1/events/history', headers: auth, payload: {} })).json()
            .events.length === 3,
        'the archive',
      );

      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/replay',
        headers: auth,
        payload: { subscriptionId, correlationId: 'chain-a' },
      });
      expect(res.json()).toEqual({ replayed: 2 });
      await waitFor(() => receiver.received.length === 5, 'the replayed deliveries');
      const replayed = receiver.received.slice(3).map((r) => JSON.parse(r.body));
      // Due at once together, they are sent side by side: webhooks promise no order (receivers sort by id or time).
      expect(replayed.map((e) => e.id).sort()).toEqual([ids[0], ids[2]].sort());
      expect(replayed.every((e) => e.metadata?.replay === true)).toBe(true);

      const nothing = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/replay',
        headers: auth,
        payload: { subscriptionId },
      });
      expect(nothing.statusCode).toBe(400);
      const foreign = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/replay',
        headers: { authorization: `Bearer ${await fx.token(randomUUID())}` },
        payload: { subscriptionId, correlationId: 'chain-a' },
      });
      expect(foreign.statusCode).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('refuses at connect time a subscribed host that has come to resolve to a private address: one failed attempt, dead at once', async () => {
    const received: string[] = [];
    // `connection: close`: every delivery opens, so resolves, a connection of its own.
    const server = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      res.writeHead(200, { connection: 'close' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = 'hooks.tenant.example';
    let resolvesTo = '127.0.0.1';
    const rebinding = createOutboundHttp({
      policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }),
      resolve: async (name) => (name === host ? [{ address: resolvesTo, family: 4 }] : systemResolve(name)),
    });
    try {
      const tenant = randomUUID();
      const { id } = await subscribe(tenant, {
        eventType: 'lead.created',
        webhookUrl: `http://${host}:${(server.address() as AddressInfo).port}/hooks`,
      });
      const clock = new Date(Date.now() + 86_400_000);
      const deliveries = deliveryWorker(() => clock, { http: rebinding });
      const first = leadCreated(tenant);
      await fanOut(worker, [first], clock);
      expect(ours(await deliveries.runDue(), id)).toEqual([expect.objectContaining({ ok: true, status: 'delivered' })]);

      resolvesTo = '10.0.0.7';
      await fanOut(worker, [leadCreated(tenant)], clock);
      const error = `OUTBOUND_ADDRESS_REFUSED: Outbound request to ${host} refused: 10.0.0.7 is a private address`;
      expect(ours(await deliveries.runDue(), id)).toEqual([
        expect.objectContaining({ ok: false, status: 'dead', statusCode: null, error }),
      ]);
      expect(received).toEqual([first.id]);
      const dead = (
        await fx.app.inject({
          url: '/api/v1/events/dead-letters',
          headers: { authorization: `Bearer ${await fx.token(tenant)}` },
        })
      ).json();
      expect(dead.deadLetters).toEqual([expect.objectContaining({ attempts: 1, lastError: error })]);
    } finally {
      await rebinding.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('exposes bus metrics: published and archived by type, delivered attempts with latency, active subscriptions, dead letters', async () => {
    // Runs after the delivery and replay tests of this file, which published, archived and delivered.
    const text = (await fx.app.inject({ url: '/metrics' })).body;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(value(/^eventbus_events_published_total\{type="lead.created"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(5);
    expect(value(/^eventbus_events_archived_total\{type="lead.created"[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(5);
    expect(
      value(/^eventbus_webhook_attempts_total\{type="lead.created",result="delivered"[^}]*\} (\d+)/m),
    ).toBeGreaterThanOrEqual(5);
    expect(value(/^eventbus_webhook_attempt_seconds_count\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(5);
    expect(value(/^eventbus_active_subscriptions\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^eventbus_dead_letters\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(0);
  });
});
