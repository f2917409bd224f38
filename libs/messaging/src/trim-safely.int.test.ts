import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteNamespace, testRedis, uniqueNamespace } from './test-support.ts';
import { trimSafely } from './trim-safely.ts';

const redis = testRedis('trim-safely');
const namespace = uniqueNamespace('trim');
let streams = 0;
const newStream = () => `${namespace}:{s${++streams}}`;

afterAll(async () => {
  await deleteNamespace(redis, namespace);
  redis.disconnect();
});

async function fill(stream: string, count: number): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i++) pipeline.xadd(stream, '*', 'n', String(i));
  return ((await pipeline.exec()) ?? []).map(([, id]) => id as string);
}

/** Group reads `read` entries (as one consumer) and acknowledges those whose index `ack` says. */
async function consume(stream: string, group: string, read: number, ack: (index: number) => boolean): Promise<void> {
  await redis.xgroup('CREATE', stream, group, '0');
  if (read === 0) return;
  const reply = (await redis.xreadgroup('GROUP', group, 'c', 'COUNT', read, 'STREAMS', stream, '>')) as [
    string,
    [string, string[]][],
  ][];
  const ids = reply[0]![1].map(([id]) => id);
  const acked = ids.filter((_, i) => ack(i));
  if (acked.length > 0) await redis.xack(stream, group, ...acked);
}

async function remaining(stream: string): Promise<string[]> {
  return ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([id]) => id);
}

async function pendingIds(stream: string, group: string): Promise<string[]> {
  return ((await redis.xpending(stream, group, '-', '+', 1000)) as [string, ...unknown[]][]).map(([id]) => id);
}

describe('trimSafely', () => {
  it('trims up to the oldest entry pending in any group, and keeps every pending one', async () => {
    const stream = newStream();
    const ids = await fill(stream, 20);
    await consume(stream, 'slow', 10, (i) => i < 3 || i === 5); // oldest pending: ids[3]
    await consume(stream, 'fast', 15, () => true); // last delivered: ids[14]

    expect(await trimSafely(redis, stream)).toEqual({ minId: ids[3], trimmed: 3 });
    expect(await remaining(stream)).toEqual(ids.slice(3));
    const pending = await pendingIds(stream, 'slow');
    expect(pending).toEqual([ids[3], ids[4], ...ids.slice(6, 10)]);
    // The pending entries can still be claimed with their fields.
    const claimed = (await redis.xclaim(stream, 'slow', 'other', 0, ...pending)) as [string, string[]][];
    expect(claimed.map(([id, fields]) => [id, fields.length])).toEqual(pending.map((id) => [id, 2]));
  });

  it('keeps what a group has not read yet, even with nothing pending', async () => {
    const stream = newStream();
    const ids = await fill(stream, 8);
    await consume(stream, 'done', 8, () => true);
    await consume(stream, 'behind', 5, () => true); // delivered and acked up to ids[4]

    expect(await trimSafely(redis, stream)).toEqual({ minId: ids[4], trimmed: 4 });
    expect(await remaining(stream)).toEqual(ids.slice(4));
  });

  it('trims nothing while a group has read nothing, and leaves streams without groups alone', async () => {
    const stream = newStream();
    await fill(stream, 5);
    await consume(stream, 'done', 5, () => true);
    await consume(stream, 'new', 0, () => true);
    expect(await trimSafely(redis, stream)).toEqual({ minId: '0-0', trimmed: 0 });

    const lonely = newStream();
    await fill(lonely, 3);
    expect(await trimSafely(redis, lonely)).toEqual({ minId: null, trimmed: 0 });
    expect(await trimSafely(redis, newStream())).toEqual({ minId: null, trimmed: 0 });
    expect(await redis.xlen(lonely)).toBe(3);
  });

  it('keepNewerThanMs keeps recent entries that every group is done with', async () => {
    const stream = newStream();
    await fill(stream, 4);
    await consume(stream, 'done', 4, () => true);
    expect((await trimSafely(redis, stream, { keepNewerThanMs: 86_400_000 })).trimmed).toBe(0);
    expect(await trimSafely(redis, stream)).toMatchObject({ trimmed: 3 }); // the last delivered stays
  });

  it('property: never removes an entry pending in or not yet delivered to any group, and trims the rest', async () => {
    const group = fc.record({ read: fc.nat(25), acks: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 25 }),
        fc.array(group, { minLength: 1, maxLength: 3 }),
        async (size, groups) => {
          const stream = newStream();
          const ids = await fill(stream, size);
          const keepFrom: number[] = [];
          for (const [g, { read, acks }] of groups.entries()) {
            const delivered = Math.min(read, size);
            await consume(stream, `g${g}`, delivered, (i) => acks[i]!);
            const firstPending = acks.slice(0, delivered).indexOf(false);
            keepFrom.push(
              delivered === 0 ? 0 : Math.min(firstPending === -1 ? delivered - 1 : firstPending, delivered - 1),
            );
          }
          const pendingBefore = await Promise.all(groups.map((_, g) => pendingIds(stream, `g${g}`)));

          const { trimmed } = await trimSafely(redis, stream);

          const left = new Set(await remaining(stream));
          for (const pending of pendingBefore) for (const id of pending) expect(left.has(id)).toBe(true);
          for (const [g, { read }] of groups.entries()) {
            for (const id of ids.slice(Math.min(read, size))) expect(left.has(id), `undelivered to g${g}`).toBe(true);
          }
          expect(trimmed).toBe(Math.min(...keepFrom));
          await redis.unlink(stream);
        },
      ),
      { numRuns: 40 },
    );
  });
});
