import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { messageHistory, seedInbox, seedMessage } from './inbox-test-fixtures.ts';
import { createInboxFeature } from './inbox.routes.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [createInboxFeature()] });
});
afterAll(async () => {
  await t?.close();
});

const INBOX = '/api/v1/notifications/inbox';
type Caller = Awaited<ReturnType<typeof tenantCaller>>;
interface Item {
  id: string;
  subject: string | null;
  body: string;
  createdAt: string;
  readAt: string | null;
  archivedAt: string | null;
}

const list = async (caller: Caller, query = '') => {
  const res = await t.app.inject({ method: 'GET', url: `${INBOX}${query}`, headers: caller.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Item[]; nextCursor: string | null }>();
};
const count = async (caller: Caller) =>
  (await t.app.inject({ method: 'GET', url: `${INBOX}/count`, headers: caller.headers })).json<{
    unread: number;
    total: number;
  }>();
const post = (caller: Caller, path: string) =>
  t.app.inject({ method: 'POST', url: `${INBOX}/${path}`, headers: caller.headers });
const ids = (page: { items: Item[] }) => page.items.map((item) => item.id);

describe('the in-app inbox', () => {
  it('lists the caller’s sent in-app messages newest first, a page at a time', async () => {
    const caller = await tenantCaller(t.key);
    const seeded = await seedInbox(t.pool, caller.tenantId, caller.userId, 5);
    const at = new Date('2031-02-01T00:00:00.000Z');
    // Not in this inbox: queued, another channel, another user of the tenant.
    await seedMessage(t.pool, { tenantId: caller.tenantId, userId: caller.userId, at, until: 'scheduled' });
    await seedMessage(t.pool, { tenantId: caller.tenantId, userId: caller.userId, at, channel: 'email' });
    await seedInbox(t.pool, caller.tenantId, (await tenantCaller(t.key, ['member'], caller.tenantId)).userId, 1);

    const first = await list(caller, '?limit=2');
    expect(ids(first)).toEqual([seeded[4], seeded[3]]);
    expect(first.items[0]).toEqual({
      id: seeded[4],
      subject: 'Subject 2031-01-01T00:00:04.000Z',
      body: '<p>Body 2031-01-01T00:00:04.000Z</p>',
      createdAt: '2031-01-01T00:00:04.000Z',
      readAt: null,
      archivedAt: null,
    });
    const second = await list(caller, `?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([seeded[2], seeded[1]]);
    const last = await list(caller, `?limit=2&cursor=${second.nextCursor}`);
    expect(last).toEqual({ items: [expect.objectContaining({ id: seeded[0] })], nextCursor: null });
    expect(await count(caller)).toEqual({ unread: 5, total: 5 });
  });

  it('refuses a cursor it did not give and an unknown query parameter', async () => {
    const caller = await tenantCaller(t.key);
    for (const query of ['?cursor=bm90LWEtY3Vyc29y', '?unread=true&folder=all']) {
      const res = await t.app.inject({ method: 'GET', url: `${INBOX}${query}`, headers: caller.headers });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error).toBe('VALIDATION_ERROR');
    }
  });

  it('marks a message read once: one notification.opened however often it is read', async () => {
    const caller = await tenantCaller(t.key);
    const [older, id] = await seedInbox(t.pool, caller.tenantId, caller.userId, 2);
    const read = await post(caller, `${id}/read`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<Item>()).toMatchObject({ id, readAt: expect.any(String), archivedAt: null });
    const again = await post(caller, `${id}/read`);
    expect(again.json<Item>().readAt).toBe(read.json<Item>().readAt);

    const history = await messageHistory(t.pool, caller.tenantId, id!);
    expect(history).toEqual({
      types: [
        'notification.requested',
        'notification.scheduled',
        'notification.sent',
        'notification.delivered',
        'notification.opened',
      ],
      status: 'opened',
      version: 5,
    });
    expect(await count(caller)).toEqual({ unread: 1, total: 2 });
    expect(ids(await list(caller, '?unread=true'))).toEqual([older]);
    expect(ids(await list(caller, '?unread=false'))).toEqual([id]);

    const unread = await post(caller, `${id}/unread`);
    expect(unread.json<Item>()).toMatchObject({ id, readAt: null });
    expect(await count(caller)).toEqual({ unread: 2, total: 2 });
    expect((await post(caller, `${id}/read`)).json<Item>().readAt).toEqual(expect.any(String));
    expect((await messageHistory(t.pool, caller.tenantId, id!)).version).toBe(5);
  });

  it('archives a message out of the inbox and back', async () => {
    const caller = await tenantCaller(t.key);
    const [kept, id] = await seedInbox(t.pool, caller.tenantId, caller.userId, 2);
    const archived = await post(caller, `${id}/archive`);
    expect(archived.json<Item>()).toMatchObject({ id, archivedAt: expect.any(String), readAt: null });
    expect(ids(await list(caller))).toEqual([kept]);
    expect(ids(await list(caller, '?archived=true'))).toEqual([id]);
    expect(await count(caller)).toEqual({ unread: 1, total: 1 });

    expect((await post(caller, `${id}/unarchive`)).json<Item>()).toMatchObject({ id, archivedAt: null });
    expect(ids(await list(caller))).toEqual([id, kept]);
    expect((await messageHistory(t.pool, caller.tenantId, id!)).version).toBe(4);
  });

  it('reads all unread messages of the inbox, each opened once', async () => {
    const caller = await tenantCaller(t.key);
    const seeded = await seedInbox(t.pool, caller.tenantId, caller.userId, 4);
    await post(caller, `${seeded[0]}/read`);
    await post(caller, `${seeded[1]}/archive`);

    const res = await post(caller, 'read-all');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ updated: 2 });
    expect(await count(caller)).toEqual({ unread: 0, total: 3 });
    for (const id of [seeded[0], seeded[2], seeded[3]])
      expect(await messageHistory(t.pool, caller.tenantId, id!)).toMatchObject({ status: 'opened', version: 5 });
    // The archived message is left as it was.
    expect((await list(caller, '?archived=true')).items).toEqual([expect.objectContaining({ readAt: null })]);
    expect((await post(caller, 'read-all')).json()).toEqual({ updated: 0 });
  });

  it('shows another user of the tenant, or another tenant, none of it', async () => {
    const owner = await tenantCaller(t.key);
    const [id] = await seedInbox(t.pool, owner.tenantId, owner.userId, 1);
    const colleague = await tenantCaller(t.key, ['admin'], owner.tenantId);
    const stranger = await tenantCaller(t.key);
    for (const caller of [colleague, stranger]) {
      expect(await list(caller)).toEqual({ items: [], nextCursor: null });
      expect(await count(caller)).toEqual({ unread: 0, total: 0 });
      for (const change of ['read', 'unread', 'archive', 'unarchive']) {
        const res = await post(caller, `${id}/${change}`);
        expect(res.statusCode, change).toBe(404);
        expect(res.json().error).toBe('NOT_FOUND');
      }
      expect((await post(caller, 'read-all')).json()).toEqual({ updated: 0 });
    }
    expect(await messageHistory(t.pool, owner.tenantId, id!)).toMatchObject({ status: 'delivered', version: 4 });
    expect(await count(owner)).toEqual({ unread: 1, total: 1 });
  });

  it('answers 404 for the caller’s own message that has not reached the inbox', async () => {
    const caller = await tenantCaller(t.key);
    const at = new Date('2031-03-01T00:00:00.000Z');
    const id = await seedMessage(t.pool, { tenantId: caller.tenantId, userId: caller.userId, at, until: 'scheduled' });
    expect((await post(caller, `${id}/read`)).statusCode).toBe(404);
    expect(await messageHistory(t.pool, caller.tenantId, id)).toMatchObject({ status: 'scheduled', version: 2 });
  });

  it('documents every operation in the inbox tag, the stream as text/event-stream', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(await openApiProblems(document)).toEqual([]);
    const stream = document.paths[`${INBOX}/stream`].get;
    expect(stream).toMatchObject({ operationId: 'streamInbox', tags: ['inbox'], security: [{ bearerAuth: [] }] });
    expect(Object.keys(stream.responses).sort()).toEqual(['200', '400', '401']);
    expect(stream.responses['200'].content).toEqual({ 'text/event-stream': { schema: { type: 'string' } } });
    const read = document.paths[`${INBOX}/{id}/read`].post;
    expect(read).toMatchObject({ operationId: 'markInboxMessageRead', tags: ['inbox'] });
    expect(Object.keys(read.responses).sort()).toEqual(['200', '400', '401', '404']);
  });

  it('needs a signed-in caller', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${INBOX}/count` });
    expect(res.statusCode).toBe(401);
  });
});
