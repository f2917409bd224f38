import type { DomainEvent } from '@bizosaas/event-schemas';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createConsumer, type Consumer } from './consumer.ts';
import { DEAD_LETTER_FIELDS, moveToDeadLetter } from './dead-letter.ts';
import type { ConsumerSignal } from './deliver.ts';
import { ensureGroup } from './ensure-group.ts';
import { fieldValue } from './stream-entry.ts';
import { deadLetterStreamKey, eventStreamKey } from './stream-names.ts';
import { deleteNamespace, leadCreated, testRedis, uniqueNamespace, waitFor } from './test-support.ts';

const namespace = uniqueNamespace('dead-letter');
const redis = testRedis('dead-letter');
let consumers: Consumer[] = [];
let streamCount = 0;

afterEach(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  consumers = [];
});
afterAll(async () => {
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

function freshStream() {
  streamCount += 1;
  return { stream: eventStreamKey(`lead_${streamCount}`, namespace), group: `group-${streamCount}` };
}

async function consume(stream: string, group: string, handler: (e: DomainEvent) => Promise<void>) {
  const signals: ConsumerSignal[] = [];
  const consumer = createConsumer({
    redis,
    streams: [stream],
    group,
    consumer: 'c1',
    handler,
    blockMs: 100,
    claimIdleMs: 100,
    claimIntervalMs: 50,
    maxDeliveries: 3,
    onSignal: (signal) => signals.push(signal),
  });
  await consumer.start();
  consumers.push(consumer);
  return signals;
}

const deadLetters = async (stream: string) => redis.xrange(deadLetterStreamKey(stream), '-', '+');
const pending = async (stream: string, group: string) => Number(((await redis.xpending(stream, group)) as [number])[0]);

describe('dead-lettering', () => {
  it('moves a poison event to <stream>:dlq after maxDeliveries, with its error, and acks it', async () => {
    const { stream, group } = freshStream();
    const event = leadCreated();
    const entryId = (await redis.xadd(stream, '*', 'id', event.id, 'envelope', JSON.stringify(event)))!;
    let calls = 0;
    const signals = await consume(stream, group, async () => {
      calls += 1;
      throw new Error(`cannot handle lead (attempt ${calls})`);
    });
    await waitFor(async () => (await deadLetters(stream)).length === 1, 'the dead letter');
    const [[, fields]] = (await deadLetters(stream)) as [[string, string[]]];
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.error)).toBe('cannot handle lead (attempt 3)');
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.deliveries)).toBe('3');
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.originalId)).toBe(entryId);
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.group)).toBe(group);
    expect(fieldValue(fields, 'envelope')).toBe(JSON.stringify(event));
    expect(await pending(stream, group)).toBe(0);
    expect(calls).toBe(3);
    expect(signals.map((signal) => signal.kind)).toEqual(['failed', 'failed', 'failed', 'dead_lettered']);
  });

  it('dead-letters an entry that cannot be parsed at once, without calling the handler', async () => {
    const { stream, group } = freshStream();
    await redis.xadd(stream, '*', 'envelope', '{"type":"lead.created","data":{}}');
    await redis.xadd(stream, '*', 'something', 'else');
    let calls = 0;
    await consume(stream, group, async () => void (calls += 1));
    await waitFor(async () => (await deadLetters(stream)).length === 2, 'two dead letters');
    const errors = (await deadLetters(stream)).map(([, fields]) => fieldValue(fields, DEAD_LETTER_FIELDS.error)!);
    expect(errors[0]).toMatch(/^unparseable: Invalid lead\.created: .*tenantId/);
    expect(errors[1]).toMatch(/^unparseable: /);
    expect(calls).toBe(0);
    expect(await pending(stream, group)).toBe(0);
  });

  it('dead-letters an entry whose consumers kept dying before acknowledging it', async () => {
    const { stream, group } = freshStream();
    const event = leadCreated();
    const entryId = (await redis.xadd(stream, '*', 'envelope', JSON.stringify(event)))!;
    await ensureGroup(redis, stream, group);
    await redis.xreadgroup('GROUP', group, 'crashed', 'STREAMS', stream, '>');
    // Three deliveries already happened; the next claim is the fourth.
    await redis.xclaim(stream, group, 'crashed', 0, entryId, 'RETRYCOUNT', 3);
    let calls = 0;
    await consume(stream, group, async () => void (calls += 1));
    await waitFor(async () => (await deadLetters(stream)).length === 1, 'the dead letter');
    const [[, fields]] = (await deadLetters(stream)) as [[string, string[]]];
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.error)).toBe('not acknowledged after 3 deliveries');
    expect(fieldValue(fields, DEAD_LETTER_FIELDS.deliveries)).toBe('4');
    expect(calls).toBe(0);
  });

  it('moves nothing when the entry is pending for another consumer', async () => {
    const { stream, group } = freshStream();
    const entryId = (await redis.xadd(stream, '*', 'envelope', '{}'))!;
    await ensureGroup(redis, stream, group);
    await redis.xreadgroup('GROUP', group, 'owner', 'STREAMS', stream, '>');
    const input = { stream, group, entryId, fields: ['envelope', '{}'], error: 'x', deliveries: 1 };
    expect(await moveToDeadLetter(redis, { ...input, consumer: 'intruder' })).toBe(false);
    expect(await deadLetters(stream)).toHaveLength(0);
    expect(await pending(stream, group)).toBe(1);
    expect(await moveToDeadLetter(redis, { ...input, consumer: 'owner' })).toBe(true);
    expect(await moveToDeadLetter(redis, { ...input, consumer: 'owner' })).toBe(false);
    expect(await deadLetters(stream)).toHaveLength(1);
    expect(await pending(stream, group)).toBe(0);
  });
});
