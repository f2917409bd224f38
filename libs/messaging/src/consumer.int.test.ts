import type { DomainEvent } from '@bizosaas/event-schemas';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createConsumer, type Consumer, type ConsumerOptions } from './consumer.ts';
import type { Delivery } from './deliver.ts';
import { ensureGroup } from './ensure-group.ts';
import { createPublisher } from './publisher.ts';
import { eventStreamKey } from './stream-names.ts';
import { deferred, deleteNamespace, leadCreated, testRedis, uniqueNamespace, waitFor } from './test-support.ts';

const namespace = uniqueNamespace('consumer');
const redis = testRedis('consumer');
const publisher = createPublisher({ redis, namespace });
let started: Consumer[] = [];
let streamCount = 0;

afterEach(async () => {
  await Promise.all(started.map((consumer) => consumer.stop()));
  started = [];
});
afterAll(async () => {
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

/** Each test gets its own stream (one aggregate type per test) and group. */
function freshStream() {
  streamCount += 1;
  const aggregateType = `lead_${streamCount}`;
  return { stream: eventStreamKey(aggregateType, namespace), group: `group-${streamCount}` };
}

/** Publishes lead.created events to a test stream (the envelope's aggregateType stays `lead`). */
async function publishTo(stream: string, count: number): Promise<DomainEvent[]> {
  const events = Array.from({ length: count }, (_, i) => leadCreated(`lead${i}@example.com`));
  const pipeline = redis.pipeline();
  for (const event of events) pipeline.xadd(stream, '*', 'id', event.id, 'envelope', JSON.stringify(event));
  await pipeline.exec();
  return events;
}

async function start(
  options: Partial<ConsumerOptions<DomainEvent>> &
    Pick<ConsumerOptions<DomainEvent>, 'streams' | 'group' | 'consumer' | 'handler'>,
) {
  const consumer = createConsumer({ redis, blockMs: 100, claimIdleMs: 200, claimIntervalMs: 50, ...options });
  await consumer.start();
  started.push(consumer);
  return consumer;
}

const pendingCount = async (stream: string, group: string) =>
  Number(((await redis.xpending(stream, group)) as [number])[0]);

describe('consumer', () => {
  it('hands the parsed event and its delivery to the handler, then acknowledges it', async () => {
    const stream = eventStreamKey('lead', namespace);
    const seen: [DomainEvent, Delivery][] = [];
    await start({
      streams: [stream],
      group: 'round-trip',
      consumer: 'c1',
      handler: async (e, d) => void seen.push([e, d]),
    });
    const event = leadCreated();
    const entryId = await publisher.publish(event);
    await waitFor(() => seen.length === 1, 'the handler');
    expect(seen[0]).toEqual([event, { stream, entryId, deliveryCount: 1, group: 'round-trip', consumer: 'c1' }]);
    await waitFor(async () => (await pendingCount(stream, 'round-trip')) === 0, 'the ack');
  });

  it('receives everything publishMany pipelined, in publish order', async () => {
    const stream = eventStreamKey('lead', namespace);
    const received: string[] = [];
    // '$': this group starts after what other tests published to the shared lead stream.
    await start({
      streams: [stream],
      group: 'in-order',
      consumer: 'c1',
      batchSize: 7,
      startId: '$',
      handler: async (e) => void received.push(e.id),
    });
    const events = Array.from({ length: 100 }, (_, i) => leadCreated(`lead${i}@example.com`));
    await publisher.publishMany(events);
    await waitFor(() => received.length === 100, 'all events');
    expect(received).toEqual(events.map((event) => event.id));
  });

  it('splits the work of one group between two consumers, each event handled once', async () => {
    const { stream, group } = freshStream();
    const handledBy = new Map<string, string[]>([
      ['a', []],
      ['b', []],
    ]);
    const busy = { a: deferred(), b: deferred() };
    // Each consumer holds its first batch until the other has one too, so neither can take everything.
    const handler = (me: 'a' | 'b', other: 'a' | 'b') => async (event: DomainEvent) => {
      busy[me].resolve();
      await busy[other].promise;
      handledBy.get(me)!.push(event.id);
    };
    const events = await publishTo(stream, 40);
    await start({ streams: [stream], group, consumer: 'a', batchSize: 3, handler: handler('a', 'b') });
    await start({ streams: [stream], group, consumer: 'b', batchSize: 3, handler: handler('b', 'a') });
    await waitFor(() => handledBy.get('a')!.length + handledBy.get('b')!.length === 40, 'all events');
    expect(handledBy.get('a')!.length).toBeGreaterThan(0);
    expect(handledBy.get('b')!.length).toBeGreaterThan(0);
    expect([...handledBy.get('a')!, ...handledBy.get('b')!].sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("reclaims a dead consumer's unacknowledged event and handles it once", async () => {
    const { stream, group } = freshStream();
    const [event] = await publishTo(stream, 1);
    await ensureGroup(redis, stream, group);
    // The "dead" consumer reads the entry and never acknowledges it.
    await redis.xreadgroup('GROUP', group, 'dead', 'COUNT', 10, 'STREAMS', stream, '>');
    const seen: [string, Delivery][] = [];
    await start({ streams: [stream], group, consumer: 'survivor', handler: async (e, d) => void seen.push([e.id, d]) });
    await waitFor(() => seen.length === 1, 'the reclaimed event');
    expect(seen[0]).toEqual([event!.id, expect.objectContaining({ deliveryCount: 2, consumer: 'survivor' })]);
    await waitFor(async () => (await pendingCount(stream, group)) === 0, 'the ack');
    // Several more claim cycles: the acknowledged event never comes back.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen).toHaveLength(1);
  });

  it('retries a failed event after claimIdleMs and acknowledges it once it succeeds', async () => {
    const { stream, group } = freshStream();
    await publishTo(stream, 1);
    const counts: number[] = [];
    await start({
      streams: [stream],
      group,
      consumer: 'c1',
      handler: async (_e, d) => {
        counts.push(d.deliveryCount);
        if (d.deliveryCount < 3) throw new Error('database busy');
      },
    });
    await waitFor(() => counts.length === 3, 'three deliveries');
    await waitFor(async () => (await pendingCount(stream, group)) === 0, 'the ack');
    expect(counts).toEqual([1, 2, 3]);
  });

  it('recreates its group when the stream disappears (Redis restarted empty)', async () => {
    const { stream, group } = freshStream();
    const handled: string[] = [];
    await start({ streams: [stream], group, consumer: 'c1', handler: async (e) => void handled.push(e.id) });
    const [first] = await publishTo(stream, 1);
    await waitFor(() => handled.includes(first!.id), 'the first event');
    await redis.del(stream);
    await waitFor(async () => (await redis.exists(stream)) === 1, 'the group to be recreated');
    const [second] = await publishTo(stream, 1);
    await waitFor(() => handled.includes(second!.id), 'an event after the restart');
  });

  it('stop() waits for the handler in flight, which is then acknowledged', async () => {
    const { stream, group } = freshStream();
    const entered = deferred();
    const release = deferred();
    let finished = false;
    const consumer = await start({
      streams: [stream],
      group,
      consumer: 'c1',
      handler: async () => {
        entered.resolve();
        await release.promise;
        finished = true;
      },
    });
    await publishTo(stream, 1);
    await entered.promise;
    let stopResolved = false;
    const stopping = consumer.stop().then(() => (stopResolved = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopResolved).toBe(false);
    release.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(await pendingCount(stream, group)).toBe(0);
  });

  it('stop() waits for the batch in hand and for Redis to answer its acknowledgement', async () => {
    const { stream, group } = freshStream();
    const entered = deferred();
    const release = deferred();
    await publishTo(stream, 3); // before the group exists: its first read takes all three
    const consumer = await start({
      streams: [stream],
      group,
      consumer: 'c1',
      batchSize: 5,
      batchHandler: async () => {
        entered.resolve();
        await release.promise;
      },
      handler: async () => {},
    });
    await entered.promise;
    const stopping = consumer.stop();
    release.resolve();
    await stopping;
    // The next read is sent without waiting for the XACK's answer; stop() is not.
    expect(await pendingCount(stream, group)).toBe(0);
  });

  it('hands each read to the batch handler at once and acknowledges the whole batch', async () => {
    const { stream, group } = freshStream();
    const events = await publishTo(stream, 7);
    const batches: string[][] = [];
    const one: string[] = [];
    await start({
      streams: [stream],
      group,
      consumer: 'c1',
      batchSize: 5,
      batchHandler: async (batch) => void batches.push(batch.map(({ event }) => event.id)),
      handler: async (event) => void one.push(event.id),
    });
    await waitFor(
      async () => batches.flat().length + one.length === 7 && (await pendingCount(stream, group)) === 0,
      'every entry acknowledged',
    );
    // 5 then 2: every entry of a read went to the batch handler, none alone.
    expect(batches).toEqual([events.slice(0, 5).map((e) => e.id), events.slice(5).map((e) => e.id)]);
    expect(one).toEqual([]);
  });

  it('when the batch handler throws, handles each entry alone: the good ones are acknowledged, the bad one retried', async () => {
    const { stream, group } = freshStream();
    const events = await publishTo(stream, 4);
    const poison = events[2]!.id;
    const handled: string[] = [];
    const signals: string[] = [];
    await start({
      streams: [stream],
      group,
      consumer: 'c1',
      batchSize: 10,
      maxDeliveries: 2,
      batchHandler: async (batch) => {
        if (batch.some(({ event }) => event.id === poison)) throw new Error('one of these is poison');
      },
      handler: async (event) => {
        if (event.id === poison) throw new Error('poison');
        handled.push(event.id);
      },
      onSignal: (signal) => void signals.push(signal.kind),
    });
    await waitFor(() => signals.includes('dead_lettered'), 'the poison event dead-lettered');
    expect(handled).toEqual(events.filter((e) => e.id !== poison).map((e) => e.id));
    expect(signals.filter((kind) => kind === 'batch_failed')).toHaveLength(1);
    expect(await pendingCount(stream, group)).toBe(0);
  });

  it('stop() returns promptly from a blocking read with nothing to handle', async () => {
    const { stream, group } = freshStream();
    const consumer = await start({
      streams: [stream],
      group,
      consumer: 'idle',
      blockMs: 60_000,
      handler: async () => {},
    });
    // Longer than the test timeout would be a hang; CLIENT UNBLOCK ends the read.
    await waitFor(async () => (await blockedReaders(redis)) > 0, 'the read to block');
    await consumer.stop();
  });
});

/** This file's blocking connections currently inside XREADGROUP (other files share the server). */
async function blockedReaders(redis: Redis): Promise<number> {
  const clients = (await redis.client('LIST')) as string;
  return clients
    .split('\n')
    .filter((line) => line.includes('name=test-consumer:blocking') && line.includes('cmd=xreadgroup')).length;
}
