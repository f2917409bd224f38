import { randomUUID } from 'node:crypto';
import { eventCatalogue, type EventEnvelope } from '@bizosaas/event-schemas';
import { createConsumer, deadLetterStreamKey, eventStreamKey, type Consumer } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from '../test-support.ts';

let fx: EventBusFixture;
let stream: string;
const consumers: Consumer[] = [];
/** Correlation ids whose events the `projector` group refuses; `handled` lists what each group handled. */
const failing = new Set<string>();
const handled = { projector: [] as string[], mailer: [] as string[] };
const [tenantA, tenantB] = [randomUUID(), randomUUID()];

async function startGroup(group: keyof typeof handled) {
  const consumer = createConsumer<EventEnvelope>({
    redis: fx.redis,
    streams: [stream],
    group,
    consumer: 'test',
    blockMs: 100,
    claimIdleMs: 100,
    claimIntervalMs: 50,
    maxDeliveries: 3,
    handler: async (event) => {
      if (group === 'projector' && failing.has(event.correlationId))
        throw new Error(`projection of ${event.id} failed`);
      handled[group].push(event.id);
    },
  });
  await consumer.start();
  consumers.push(consumer);
}

beforeAll(async () => {
  fx = await eventBusFixture('consumer-dlq');
  stream = eventStreamKey('lead', fx.namespace);
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
const service = (tenantId = randomUUID()) => auth(tenantId, ['service', 'admin']);
const base = '/api/v1/events/consumer-dead-letters';

async function list(headers: Record<string, string>, query = '') {
  const res = await fx.app.inject({ method: 'GET', url: `${base}${query}`, headers });
  expect(res.statusCode).toBe(200);
  return res.json<{
    deadLetters: { id: string; eventId: string; group: string; error: string; deliveries: number; tenantId: string }[];
    nextCursor: string | null;
  }>();
}

/** Publishes a lead.created for `tenantId` that the projector group fails on until it is dead-lettered. */
async function poison(tenantId: string): Promise<{ eventId: string; deadLetterId: string; correlationId: string }> {
  const correlationId = randomUUID();
  failing.add(correlationId);
  const res = await fx.app.inject({
    method: 'POST',
    url: '/api/v1/events/publish',
    headers: await auth(tenantId),
    payload: { type: 'lead.created', data: eventCatalogue['lead.created'].example, correlationId },
  });
  const eventId = res.json().id as string;
  await waitFor(
    async () =>
      handled.mailer.includes(eventId) &&
      (await list(await service(), '?group=projector')).deadLetters.some((d) => d.eventId === eventId),
    'the dead letter',
  );
  const { deadLetters } = await list(await service(), '?group=projector');
  return { eventId, correlationId, deadLetterId: deadLetters.find((d) => d.eventId === eventId)!.id };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('consumer-group dead letters', () => {
  it('lists a dead letter with its error to its tenant and the platform, never to another tenant', async () => {
    const { eventId, deadLetterId } = await poison(tenantA);
    expect((await list(await auth(tenantA))).deadLetters).toEqual([
      expect.objectContaining({
        id: deadLetterId,
        aggregateType: 'lead',
        stream,
        sourceStream: stream,
        group: 'projector',
        consumer: 'test',
        eventId,
        eventType: 'lead.created',
        tenantId: tenantA,
        deliveries: 3,
        error: `projection of ${eventId} failed`,
      }),
    ]);
    expect((await list(await auth(tenantB))).deadLetters).toEqual([]);
    expect((await list(await service(), `?tenantId=${tenantB}`)).deadLetters).toEqual([]);

    const one = await fx.app.inject({
      method: 'GET',
      url: `${base}/lead/${deadLetterId}`,
      headers: await auth(tenantA),
    });
    expect(one.json()).toMatchObject({
      id: deadLetterId,
      error: `projection of ${eventId} failed`,
      envelope: { id: eventId, tenantId: tenantA },
    });
    for (const [method, url] of [
      ['GET', `${base}/lead/${deadLetterId}`],
      ['POST', `${base}/lead/${deadLetterId}/redrive`],
      ['DELETE', `${base}/lead/${deadLetterId}`],
    ] as const) {
      const res = await fx.app.inject({ method, url, headers: await auth(tenantB) });
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('TENANT_ISOLATION_VIOLATION');
    }
    const peek = await fx.app.inject({
      method: 'GET',
      url: `${base}?tenantId=${tenantA}`,
      headers: await auth(tenantB),
    });
    expect(peek.statusCode).toBe(403);
    const redriveOthers = await fx.app.inject({
      method: 'POST',
      url: `${base}/redrive`,
      payload: { tenantId: tenantA },
      headers: await auth(tenantB),
    });
    expect(redriveOthers.statusCode).toBe(403);
    await fx.app.inject({ method: 'DELETE', url: `${base}/lead/${deadLetterId}`, headers: await auth(tenantA) });
  });

  it('redrives one to the group it died in: that group handles it once, no other group sees it again', async () => {
    const { eventId, deadLetterId, correlationId } = await poison(tenantA);
    failing.delete(correlationId);
    const res = await fx.app.inject({
      method: 'POST',
      url: `${base}/lead/${deadLetterId}/redrive`,
      headers: await auth(tenantA),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      redriven: 1,
      targets: [{ group: 'projector', stream: `${stream}:group:projector` }],
    });
    await waitFor(() => handled.projector.includes(eventId), 'the redriven event');
    await pause();
    expect(handled.projector.filter((id) => id === eventId)).toHaveLength(1);
    expect(handled.mailer.filter((id) => id === eventId)).toHaveLength(1);
    expect((await list(await auth(tenantA))).deadLetters).toEqual([]);
    const again = await fx.app.inject({
      method: 'POST',
      url: `${base}/lead/${deadLetterId}/redrive`,
      headers: await auth(tenantA),
    });
    expect(again.statusCode).toBe(404);
  });

  it('discards one: it is gone from the list and a second discard is 404', async () => {
    const { deadLetterId } = await poison(tenantA);
    const res = await fx.app.inject({
      method: 'DELETE',
      url: `${base}/lead/${deadLetterId}`,
      headers: await auth(tenantA),
    });
    expect(res.statusCode).toBe(204);
    expect((await list(await auth(tenantA))).deadLetters).toEqual([]);
    expect(
      (await fx.app.inject({ method: 'DELETE', url: `${base}/lead/${deadLetterId}`, headers: await auth(tenantA) }))
        .statusCode,
    ).toBe(404);
  });

  it('pages with a cursor and redrives all that a filter selects (a platform service, one tenant)', async () => {
    const events = [await poison(tenantA), await poison(tenantA), await poison(tenantB)];
    const first = await list(await service(), `?group=projector&tenantId=${tenantA}&limit=1`);
    const second = await list(
      await service(),
      `?group=projector&tenantId=${tenantA}&limit=1&cursor=${first.nextCursor}`,
    );
    expect([...first.deadLetters, ...second.deadLetters].map((d) => d.eventId)).toEqual([
      events[0]!.eventId,
      events[1]!.eventId,
    ]);
    const bad = await fx.app.inject({ method: 'GET', url: `${base}?cursor=nonsense`, headers: await service() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [expect.objectContaining({ path: 'cursor' })] },
    });

    for (const { correlationId } of events) failing.delete(correlationId);
    const res = await fx.app.inject({
      method: 'POST',
      url: `${base}/redrive`,
      payload: { group: 'projector', tenantId: tenantA },
      headers: await service(),
    });
    expect(res.json()).toEqual({ redriven: 2, skipped: 0 });
    await waitFor(
      () => handled.projector.includes(events[0]!.eventId) && handled.projector.includes(events[1]!.eventId),
      'both redriven events',
    );
    expect(handled.projector).not.toContain(events[2]!.eventId);
    expect((await list(await service(), '?group=projector')).deadLetters.map((d) => d.eventId)).toEqual([
      events[2]!.eventId,
    ]);
    await fx.app.inject({ method: 'POST', url: `${base}/redrive`, payload: {}, headers: await auth(tenantB) });
    await waitFor(() => handled.projector.includes(events[2]!.eventId), "tenant B's own redrive");
  });

  it('refuses to redrive to a group no consumer reads redrives for (422), changing nothing', async () => {
    const id = (await fx.redis.xadd(
      deadLetterStreamKey(stream),
      '*',
      'id',
      randomUUID(),
      'tenantId',
      tenantA,
      'envelope',
      '{}',
      'dlq:error',
      'boom',
      'dlq:deliveries',
      '5',
      'dlq:originalId',
      '1-1',
      'dlq:group',
      'retired-service',
      'dlq:consumer',
      'x',
    ))!;
    const res = await fx.app.inject({
      method: 'POST',
      url: `${base}/lead/${id}/redrive`,
      headers: await auth(tenantA),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'group_must_consume_redrives', group: 'retired-service' },
    });
    expect(await fx.redis.xrange(deadLetterStreamKey(stream), id, id)).toHaveLength(1);
    expect(
      (
        await fx.app.inject({
          method: 'POST',
          url: `${base}/redrive`,
          payload: { group: 'retired-service' },
          headers: await service(),
        })
      ).json(),
    ).toEqual({ redriven: 0, skipped: 1 });
  });

  it('answers bad input and missing permissions with the one error shape', async () => {
    const badType = await fx.app.inject({ method: 'GET', url: `${base}/spaceship/1-1`, headers: await auth(tenantA) });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error).toBe('VALIDATION_ERROR');
    expect(
      (await fx.app.inject({ method: 'GET', url: `${base}/lead/nope`, headers: await auth(tenantA) })).statusCode,
    ).toBe(400);
    expect((await fx.app.inject({ method: 'GET', url: base })).statusCode).toBe(401);
    const member = await fx.app.inject({ method: 'GET', url: base, headers: await auth(tenantA, ['member']) });
    expect(member.statusCode).toBe(403);
    expect(member.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'events:subscribe' } });
  });
});
