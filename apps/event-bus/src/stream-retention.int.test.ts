import { randomUUID } from 'node:crypto';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { eventStreamKey } from '@bizosaas/messaging';
import { waitFor } from '@bizosaas/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from './test-support.ts';

let fx: EventBusFixture;
beforeAll(async () => {
  fx = await eventBusFixture('stream-retention', {
    EVENTBUS_STREAM_TRIM_INTERVAL_MS: '50',
    EVENTBUS_STREAM_KEEP_MS: '0',
  });
});
afterAll(() => fx.close());

const trimmedMetric = async (stream: string) => {
  const line = (await fx.app.inject({ url: '/metrics' })).body
    .split('\n')
    .find((l) => l.startsWith(`eventbus_stream_entries_trimmed_total{stream="${stream}",`));
  return Number(line?.split(' ').at(-1) ?? 0);
};

describe('stream retention', () => {
  it('trims what every consumer group has acknowledged, and nothing another group has yet to read', async () => {
    const stream = eventStreamKey('lead', fx.namespace);
    const probeStream = eventStreamKey('customer', fx.namespace);
    // A group that reads slowly: entries must wait for it even after the archive has them.
    await fx.redis.xgroup('CREATE', stream, 'laggard', '0', 'MKSTREAM');
    const headers = { authorization: `Bearer ${await fx.token(randomUUID())}` };
    const publish = async (type: 'lead.created' | 'customer.created') => {
      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/publish',
        headers,
        payload: { type, data: eventCatalogue[type].example },
      });
      expect(res.statusCode).toBe(202);
    };
    // Proof that a trim pass ran since now: two customer events, which only the bus's own groups
    // read, are trimmed down to the last-delivered one.
    const trimPassRan = async () => {
      await publish('customer.created');
      await publish('customer.created');
      await waitFor(async () => (await fx.redis.xlen(probeStream)) === 1, 'a trim pass');
    };
    for (let n = 0; n < 3; n += 1) await publish('lead.created');
    const archived = async () =>
      (
        await fx.app.inject({
          method: 'POST',
          url: '/api/v1/events/history',
          headers,
          payload: { eventTypes: ['lead.created'] },
        })
      ).json().events.length;
    await waitFor(async () => (await archived()) === 3, 'the archive to store the events');
    await trimPassRan();
    expect(await fx.redis.xlen(stream)).toBe(3);

    const read = (await fx.redis.xreadgroup('GROUP', 'laggard', 'c1', 'COUNT', 10, 'STREAMS', stream, '>')) as [
      string,
      [string, string[]][],
    ][];
    const ids = read[0]![1].map(([id]) => id);
    expect(ids).toHaveLength(3);
    await trimPassRan();
    expect(await fx.redis.xlen(stream)).toBe(3); // read but still pending in the laggard group

    await fx.redis.xack(stream, 'laggard', ...ids);
    // trimSafely keeps each group's last-delivered entry (XTRIM MINID keeps the bound itself).
    await waitFor(async () => (await fx.redis.xlen(stream)) === 1, 'the acknowledged entries to be trimmed');
    expect((await fx.redis.xrange(stream, '-', '+')).map(([id]) => id)).toEqual([ids[2]]);
    // The pass counts its trims after trimming every stream: the count may lag the stream's length.
    await waitFor(async () => (await trimmedMetric(stream)) === 2, 'the two trimmed entries to be counted');
  });
});
