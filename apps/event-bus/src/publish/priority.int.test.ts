import { randomUUID } from 'node:crypto';
import { eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, highPriorityStreamKey } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from '../test-support.ts';

let fx: EventBusFixture;
let worker: pg.Pool;
beforeAll(async () => {
  fx = await eventBusFixture('priority');
  worker = new pg.Pool({ connectionString: inject('workerDatabaseUrl'), max: 2 });
});
afterAll(async () => {
  await fx.close();
  await worker.end();
});

describe('priority', () => {
  it('hands a high-priority event published after 100 normal ones to a stopped consumer first; archive and webhooks see it', async () => {
    const tenant = randomUUID();
    const headers = { authorization: `Bearer ${await fx.token(tenant)}` };
    const stream = eventStreamKey('lead', fx.namespace);
    const handled: string[] = [];
    const consumer = () =>
      createConsumer<EventEnvelope>({
        redis: fx.redis,
        streams: [stream],
        group: 'projector',
        consumer: 'test',
        blockMs: 100,
        batchSize: 10,
        handler: async (event) => void handled.push(event.id),
      });
    const stopped = consumer();
    await stopped.start();
    await stopped.stop();

    const publish = (priority?: 'high' | 'normal') =>
      fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/publish',
        headers,
        payload: {
          type: 'lead.created',
          data: eventCatalogue['lead.created'].example,
          ...(priority ? { priority } : {}),
        },
      });
    const normal: string[] = [];
    for (let i = 0; i < 100; i += 1) normal.push((await publish(i % 2 ? 'normal' : undefined)).json().id);
    // Subscribed only now, so that just the high-priority event fans out (to a receiver that is never up).
    const subscribed = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/subscribe',
      headers,
      payload: { eventType: 'lead.*', serviceName: 'crm-sync', webhookUrl: 'http://127.0.0.1:9/hooks' },
    });
    expect(subscribed.statusCode).toBe(201);
    const urgent = await publish('high');
    expect(urgent.statusCode).toBe(202);
    expect(urgent.json().stream).toBe(highPriorityStreamKey(stream));

    const restarted = consumer();
    await restarted.start();
    try {
      await waitFor(() => handled.length === 101, 'every event');
    } finally {
      await restarted.stop();
    }
    expect(handled[0]).toBe(urgent.json().id);
    expect(handled.slice(1)).toEqual(normal);

    const history = async () =>
      (await fx.app.inject({ method: 'POST', url: '/api/v1/events/history', payload: { limit: 500 }, headers })).json();
    await waitFor(
      async () => (await history()).events.some((event: { id: string }) => event.id === urgent.json().id),
      'the archive',
    );
    const deliveries = async () =>
      (await worker.query('SELECT 1 FROM event_bus.deliveries WHERE event_id = $1', [urgent.json().id])).rowCount;
    await waitFor(async () => (await deliveries()) === 1, 'the webhook fan-out');
    // Leaves no retries behind for other files' delivery workers on the shared database.
    await fx.app.inject({ method: 'DELETE', url: `/api/v1/events/subscriptions/${subscribed.json().id}`, headers });
    expect(await deliveries()).toBe(0);
  });

  it('refuses an unknown priority with 400, publishing nothing', async () => {
    const tenant = randomUUID();
    const highStream = highPriorityStreamKey(eventStreamKey('lead', fx.namespace));
    const before = await fx.redis.xlen(highStream);
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      headers: { authorization: `Bearer ${await fx.token(tenant)}` },
      payload: { type: 'lead.created', data: eventCatalogue['lead.created'].example, priority: 'urgent' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ path: 'priority' })] },
    });
    expect(await fx.redis.xlen(highStream)).toBe(before);
  });
});
