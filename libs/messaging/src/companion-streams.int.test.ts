import type { DomainEvent } from '@bizosaas/event-schemas';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createConsumer, type Consumer } from './consumer.ts';
import { DEAD_LETTER_FIELDS } from './dead-letter.ts';
import { toDeadLetterEntry } from './dead-letter-entry.ts';
import { createPublisher } from './publisher.ts';
import { redriveDeadLetter } from './redrive.ts';
import { fieldValue, toEntries } from './stream-entry.ts';
import { deadLetterStreamKey, eventStreamKey, groupStreamKey, highPriorityStreamKey } from './stream-names.ts';
import { deleteNamespace, leadCreated, testRedis, uniqueNamespace, waitFor } from './test-support.ts';

const namespace = uniqueNamespace('companions');
const redis = testRedis('companions');
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

/** A lead stream of its own for each test (events keep aggregateType `lead`). */
function freshStream() {
  streamCount += 1;
  const own = `${namespace}:${streamCount}`;
  return { stream: eventStreamKey('lead', own), publisher: createPublisher({ redis, namespace: own }) };
}

/** lead.created events appended to a test stream (or one of its companions) as the publisher would. */
async function append(stream: string, count: number): Promise<DomainEvent[]> {
  const events = Array.from({ length: count }, (_, i) => leadCreated(`lead${i}@example.com`));
  const pipeline = redis.pipeline();
  for (const event of events)
    pipeline.xadd(stream, '*', 'id', event.id, 'tenantId', event.tenantId, 'envelope', JSON.stringify(event));
  await pipeline.exec();
  return events;
}

async function consume(stream: string, group: string, handler: (event: DomainEvent) => Promise<void>, batchSize = 10) {
  const consumer = createConsumer({
    redis,
    streams: [stream],
    group,
    consumer: 'c1',
    handler,
    batchSize,
    blockMs: 100,
    claimIdleMs: 100,
    claimIntervalMs: 50,
    maxDeliveries: 2,
  });
  await consumer.start();
  started.push(consumer);
  return consumer;
}

const deadLetters = async (stream: string) =>
  toEntries(
    deadLetterStreamKey(stream),
    (await redis.xrange(deadLetterStreamKey(stream), '-', '+')) as [string, string[]][],
  ).map(toDeadLetterEntry);

describe('high-priority companion stream', () => {
  it('hands a high-priority event published after 100 normal ones to a consumer before them', async () => {
    const { stream, publisher } = freshStream();
    const idle = await consume(stream, 'projector', async () => {});
    await idle.stop();
    const normal = await append(stream, 100);
    const urgent = leadCreated('urgent@example.com');
    const entryId = await publisher.publish(urgent, { priority: 'high' });
    expect(await redis.xrange(highPriorityStreamKey(stream), entryId, entryId)).toHaveLength(1);

    const handled: string[] = [];
    await consume(stream, 'projector', async (event) => void handled.push(event.id));
    await waitFor(() => handled.length === 101, 'every event');
    expect(handled[0]).toBe(urgent.id);
    expect(handled.slice(1)).toEqual(normal.map((event) => event.id));
  });

  it("dead-letters a failing high-priority entry to the stream's own dead-letter stream", async () => {
    const { stream } = freshStream();
    await consume(stream, 'projector', async () => {
      throw new Error('projection down');
    });
    const [event] = await append(highPriorityStreamKey(stream), 1);
    await waitFor(async () => (await deadLetters(stream)).length === 1, 'the dead letter');
    const [dead] = await deadLetters(stream);
    expect(dead).toMatchObject({
      group: 'projector',
      error: 'projection down',
      deliveries: 2,
      sourceStream: highPriorityStreamKey(stream),
    });
    expect(fieldValue(dead!.fields, 'id')).toBe(event!.id);
    expect(await redis.exists(deadLetterStreamKey(highPriorityStreamKey(stream)))).toBe(0);
  });
});

describe('redrive to one group', () => {
  it('hands a redriven dead letter to the group it died in, once, and to no other group', async () => {
    const { stream } = freshStream();
    const failing = new Set<string>();
    const seen = { projector: [] as string[], mailer: [] as string[] };
    await consume(stream, 'projector', async (event) => {
      if (failing.has(event.id)) throw new Error(`cannot project ${event.id}`);
      seen.projector.push(event.id);
    });
    await consume(stream, 'mailer', async (event) => void seen.mailer.push(event.id));
    const [event] = await append(stream, 1);
    failing.add(event!.id);
    await waitFor(async () => (await deadLetters(stream)).length === 1 && seen.mailer.length === 1, 'the dead letter');

    const [dead] = await deadLetters(stream);
    expect(dead).toMatchObject({
      group: 'projector',
      deliveries: 2,
      error: `cannot project ${event!.id}`,
      sourceStream: stream,
    });
    await expect(redriveDeadLetter(redis, { stream, deadLetterId: dead!.id, group: 'mailer' })).rejects.toThrow(
      /WRONGGROUP/,
    );
    failing.clear();
    const newId = await redriveDeadLetter(redis, { stream, deadLetterId: dead!.id, group: 'projector' });
    expect(newId).toBeDefined();
    await waitFor(() => seen.projector.length === 1, 'the redriven event');

    const [, fields] = (
      (await redis.xrange(groupStreamKey(stream, 'projector'), newId!, newId!)) as [string, string[]][]
    )[0]!;
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.redrivenFrom)).toBe(dead!.id);
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.error)).toBeUndefined();
    expect(await deadLetters(stream)).toEqual([]);
    expect(await redriveDeadLetter(redis, { stream, deadLetterId: dead!.id, group: 'projector' })).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few more reads: nothing else arrives
    expect(seen).toEqual({ projector: [event!.id], mailer: [event!.id] });
  });

  it('keeps the origin of a redriven entry that dies again', async () => {
    const { stream } = freshStream();
    await consume(stream, 'projector', async () => {
      throw new Error('still broken');
    });
    await append(stream, 1);
    await waitFor(async () => (await deadLetters(stream)).length === 1, 'the first dead letter');
    const [first] = await deadLetters(stream);
    await redriveDeadLetter(redis, { stream, deadLetterId: first!.id, group: 'projector' });
    await waitFor(
      async () => (await deadLetters(stream)).length === 1 && (await deadLetters(stream))[0]!.id !== first!.id,
      'the second dead letter',
    );
    const [second] = await deadLetters(stream);
    expect(second).toMatchObject({
      redrivenFrom: first!.id,
      sourceStream: groupStreamKey(stream, 'projector'),
      fields: first!.fields,
    });
  });
});
