import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboxChannelName } from '../channels/in-app-channel.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { seedInbox, seedMessage } from './inbox-test-fixtures.ts';
import { createInboxFeature } from './inbox.routes.ts';

const STREAM = '/api/v1/notifications/inbox/stream';
let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp({}, { features: [createInboxFeature({ heartbeatMs: 50, replayLimit: 3 })] });
  origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

function parseFrame(text: string): Frame {
  const frame: Frame = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const [field, value] = [line.slice(0, colon), line.slice(colon + 1).trimStart()];
    if (field === '') frame.comment = value;
    if (field === 'id' || field === 'event' || field === 'data') frame[field] = value;
  }
  return frame;
}

/** An SSE client over fetch: frames in order, heartbeats skipped by `next`. */
async function connect(headers: Record<string, string>, base = origin) {
  const abort = new AbortController();
  const res = await fetch(`${base}${STREAM}`, { headers, signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const frame = async (): Promise<Frame | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return parseFrame(text);
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += value;
    }
  };
  const next = async (): Promise<Frame | null> => {
    for (;;) {
      const read = await frame();
      if (read?.comment !== 'heartbeat') return read;
    }
  };
  return { res, frame, next, close: () => abort.abort() };
}

const subscribers = async (tenantId: string, userId: string) => {
  const [, listening] = (await t.redis.pubsub('NUMSUB', inboxChannelName(tenantId, userId))) as [string, number];
  return Number(listening);
};

const published = (id: string) => ({
  id,
  subject: 'Campaign launched',
  body: '<p>Spring sale</p>',
  createdAt: '2031-04-01T00:00:00.000Z',
});
const publish = (tenantId: string, userId: string, id: string = randomUUID()) =>
  t.redis.publish(inboxChannelName(tenantId, userId), JSON.stringify(published(id))).then(() => id);

describe('the inbox stream (server-sent events)', () => {
  it('sends ready, then each message published on the caller’s channel and none of anyone else’s', async () => {
    const caller = await tenantCaller(t.key);
    const stream = await connect(caller.headers);
    try {
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(await stream.next()).toEqual({ event: 'ready', data: '{}' });

      await publish(caller.tenantId, randomUUID());
      await publish(randomUUID(), caller.userId);
      await t.redis.publish(inboxChannelName(caller.tenantId, caller.userId), 'not json');
      const id = await publish(caller.tenantId, caller.userId);
      expect(await stream.next()).toEqual({ id, event: 'message', data: JSON.stringify(published(id)) });
    } finally {
      stream.close();
    }
  });

  it('keeps the connection alive with heartbeat comments', async () => {
    const caller = await tenantCaller(t.key);
    const stream = await connect(caller.headers);
    try {
      expect(await stream.frame()).toEqual({ event: 'ready', data: '{}' });
      expect(await stream.frame()).toEqual({ comment: 'heartbeat' });
    } finally {
      stream.close();
    }
  });

  it('replays what was sent after Last-Event-ID, then goes on live without repeating it', async () => {
    const caller = await tenantCaller(t.key);
    const [seen, missed1, missed2] = await seedInbox(t.pool, caller.tenantId, caller.userId, 3);
    const stream = await connect({ ...caller.headers, 'last-event-id': seen! });
    try {
      expect(await stream.next()).toEqual({ event: 'ready', data: '{}' });
      for (const [id, second] of [
        [missed1, 1],
        [missed2, 2],
      ] as const) {
        const frame = await stream.next();
        expect(frame).toMatchObject({ id, event: 'message' });
        expect(JSON.parse(frame!.data!)).toEqual({
          id,
          subject: `Subject 2031-01-01T00:00:0${second}.000Z`,
          body: `<p>Body 2031-01-01T00:00:0${second}.000Z</p>`,
          createdAt: `2031-01-01T00:00:0${second}.000Z`,
        });
      }
      await publish(caller.tenantId, caller.userId, missed2);
      const live = await publish(caller.tenantId, caller.userId);
      expect(await stream.next()).toMatchObject({ id: live, event: 'message' });
    } finally {
      stream.close();
    }
  });

  it('replays nothing after another user’s message, and asks for a reload when too much was missed', async () => {
    const caller = await tenantCaller(t.key);
    const colleague = await tenantCaller(t.key, ['member'], caller.tenantId);
    const theirs = await seedMessage(t.pool, { ...colleague, at: new Date('2031-01-01T00:00:00.000Z') });
    const [first] = await seedInbox(t.pool, caller.tenantId, caller.userId, 5);

    const foreign = await connect({ ...caller.headers, 'last-event-id': theirs });
    try {
      expect(await foreign.next()).toEqual({ event: 'ready', data: '{}' });
      const live = await publish(caller.tenantId, caller.userId);
      expect(await foreign.next()).toMatchObject({ id: live });
    } finally {
      foreign.close();
    }
    const behind = await connect({ ...caller.headers, 'last-event-id': first! });
    try {
      expect(await behind.next()).toEqual({ event: 'ready', data: '{}' });
      expect(await behind.next()).toEqual({ event: 'reload', data: '{}' });
    } finally {
      behind.close();
    }
  });

  it('shares one subscription among a user’s streams and drops it when the last one disconnects', async () => {
    const caller = await tenantCaller(t.key);
    const one = await connect(caller.headers);
    const two = await connect(caller.headers);
    await Promise.all([one.next(), two.next()]);
    expect(await subscribers(caller.tenantId, caller.userId)).toBe(1);

    one.close();
    const id = await publish(caller.tenantId, caller.userId);
    expect(await two.next()).toMatchObject({ id });
    expect(await subscribers(caller.tenantId, caller.userId)).toBe(1);
    two.close();
    await eventually(
      () => subscribers(caller.tenantId, caller.userId),
      (count) => expect(count).toBe(0),
    );
  });

  it('refuses a caller without a token and a Last-Event-ID that is not a message id', async () => {
    expect((await fetch(`${origin}${STREAM}`)).status).toBe(401);
    const caller = await tenantCaller(t.key);
    const res = await fetch(`${origin}${STREAM}`, { headers: { ...caller.headers, 'last-event-id': 'yesterday' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('VALIDATION_ERROR');
  });

  it('ends open streams when the app closes', async () => {
    const other = await startTestApp({}, { features: [createInboxFeature()] });
    const caller = await tenantCaller(other.key);
    const stream = await connect(caller.headers, await other.app.listen({ port: 0, host: '127.0.0.1' }));
    expect(await stream.next()).toEqual({ event: 'ready', data: '{}' });
    await other.close();
    expect(await stream.next()).toBeNull();
    expect(await subscribers(caller.tenantId, caller.userId)).toBe(0);
  });
});
