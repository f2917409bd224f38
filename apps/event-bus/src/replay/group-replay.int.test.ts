import { randomUUID } from 'node:crypto';
import { eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import { createConsumer, eventStreamKey, type Consumer } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from '../test-support.ts';

let fx: EventBusFixture;
const consumers: Consumer[] = [];
const received = { projector: [] as EventEnvelope[], mailer: [] as EventEnvelope[] };
const [tenantA, tenantB] = [randomUUID(), randomUUID()];

/** Both groups read the lead stream; neither reads customer events. */
async function startGroup(group: keyof typeof received) {
  const consumer = createConsumer<EventEnvelope>({
    redis: fx.redis,
    streams: [eventStreamKey('lead', fx.namespace)],
    group,
    consumer: 'test',
    blockMs: 100,
    handler: async (event) => void received[group].push(event),
  });
  await consumer.start();
  consumers.push(consumer);
}

beforeAll(async () => {
  fx = await eventBusFixture('group-replay');
  await startGroup('projector');
  await startGroup('mailer');
});
afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await fx.close();
});

const auth = async (tenantId: string, roles?: string[]) => ({
  authorization: `Bearer ${await fx.token(tenantId, roles)}`,
});

async function publish(
  tenantId: string,
  type: 'lead.created' | 'customer.created',
  correlationId: string,
): Promise<string> {
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/publish',
    headers: await auth(tenantId),
    payload: { type, data: eventCatalogue[type].example, correlationId },
  });
  expect(res.statusCode).toBe(202);
  return res.json().id;
}

async function archived(tenantId: string, correlationId: string): Promise<number> {
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/history',
    payload: { correlationId },
    headers: await auth(tenantId),
  });
  return res.json().events.length;
}

const replay = async (group: string, body: Record<string, unknown>, headers: Record<string, string>) =>
  fx.app.inject({ method: 'POST', url: `/api/v1/events/consumer-groups/${group}/replay`, payload: body, headers });

describe('replay to a consumer group', () => {
  it('replays a correlation chain to the named group only, marked as a replay, skipping streams it does not read', async () => {
    const chain = `chain-${randomUUID()}`;
    const ids = [
      await publish(tenantA, 'lead.created', chain),
      await publish(tenantA, 'customer.created', chain),
      await publish(tenantA, 'lead.created', chain),
    ];
    await publish(tenantA, 'lead.created', `other-${randomUUID()}`);
    await waitFor(
      async () => (await archived(tenantA, chain)) === 3 && received.mailer.length === 3,
      'the archive and the first deliveries',
    );
    const before = { projector: received.projector.length, mailer: received.mailer.length };

    const res = await replay('projector', { correlationId: chain }, await auth(tenantA));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ replayed: 2, skipped: 1 });
    await waitFor(() => received.projector.length === before.projector + 2, 'the replayed events');
    await new Promise((resolve) => setTimeout(resolve, 400)); // a few more reads: nothing reaches the other group
    const replayed = received.projector.slice(before.projector);
    expect(replayed.map((event) => [event.id, event.metadata])).toEqual([
      [ids[0], { replay: true }],
      [ids[2], { replay: true }],
    ]);
    expect(received.projector.slice(0, before.projector).every((event) => event.metadata === undefined)).toBe(true);
    expect(received.mailer).toHaveLength(before.mailer);
  });

  it("replays only the caller's tenant; a platform service may name a tenant, anyone else gets 403", async () => {
    const chain = `chain-${randomUUID()}`;
    await publish(tenantA, 'lead.created', chain);
    await waitFor(async () => (await archived(tenantA, chain)) === 1, 'the archive');
    expect((await replay('projector', { correlationId: chain }, await auth(tenantB))).json()).toEqual({
      replayed: 0,
      skipped: 0,
    });
    const forged = await replay('projector', { correlationId: chain, tenantId: tenantA }, await auth(tenantB));
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: 'FORBIDDEN', details: { tenantId: tenantA } });
    const platform = await replay(
      'projector',
      { correlationId: chain, tenantId: tenantA },
      await auth(randomUUID(), ['service', 'admin']),
    );
    expect(platform.json()).toEqual({ replayed: 1, skipped: 0 });
  });

  it('replays a time range', async () => {
    const from = new Date().toISOString();
    const id = await publish(tenantB, 'lead.created', `range-${randomUUID()}`);
    await waitFor(
      async () =>
        (
          await fx.app.inject({
            method: 'POST',
            url: '/api/v1/events/history',
            payload: { from },
            headers: await auth(tenantB),
          })
        ).json().events.length === 1,
      'the archive',
    );
    const res = await replay('mailer', { from, to: new Date(Date.now() + 60_000).toISOString() }, await auth(tenantB));
    expect(res.json()).toEqual({ replayed: 1, skipped: 0 });
    await waitFor(
      () => received.mailer.some((event) => event.id === id && event.metadata?.replay === true),
      'the replayed event',
    );
  });

  it('answers an unknown group 404 and a replay with nothing to select 400', async () => {
    const unknown = await replay('nobody-reads', { correlationId: 'x' }, await auth(tenantA));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'NOT_FOUND', details: { group: 'nobody-reads' } });
    const vague = await replay('projector', {}, await auth(tenantA));
    expect(vague.statusCode).toBe(400);
    expect(vague.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ path: 'from' })] },
    });
    expect((await replay('bad%7Bgroup%7D', { correlationId: 'x' }, await auth(tenantA))).statusCode).toBe(400);
    expect((await replay('projector', { correlationId: 'x' }, await auth(tenantA, ['member']))).statusCode).toBe(403);
  });
});
