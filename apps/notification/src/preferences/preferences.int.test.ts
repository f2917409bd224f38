import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { loadPreferences, setCategoryChannel } from './preference-store.ts';
import { preferencesFeature } from './preferences.routes.ts';
import { unsubscribeFeature } from './unsubscribe.routes.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const OWN = '/api/v1/notifications/preferences';
const of = (userId: string) => `/api/v1/notifications/users/${userId}/preferences`;
const EMPTY = { channels: {}, categories: {}, quietHours: null, updatedAt: null };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [preferencesFeature, unsubscribeFeature], now: () => NOW });
});
afterAll(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
const get = (url: string, headers: Headers) => t.app.inject({ url, headers });
const put = (url: string, headers: Headers, payload: unknown) =>
  t.app.inject({ method: 'PUT', url, headers, payload: payload as Record<string, unknown> });

const document = {
  channels: { email: false, push: true },
  categories: { marketing: { email: true, sms: false }, security: { in_app: true } },
  quietHours: { start: '22:00', end: '07:00', timezone: 'Europe/Berlin' },
};

describe('preferences of the caller', () => {
  it('are empty until stored; PUT replaces the whole document and GET answers it', async () => {
    const member = await tenantCaller(t.key, ['member']);
    expect((await get(OWN, member.headers)).json()).toEqual(EMPTY);

    const stored = await put(OWN, member.headers, document);
    expect(stored.statusCode).toBe(200);
    expect(stored.json()).toEqual({ ...document, updatedAt: NOW.toISOString() });
    expect((await get(OWN, member.headers)).json()).toEqual({ ...document, updatedAt: NOW.toISOString() });

    // What the new document leaves out is no longer an explicit choice.
    const replaced = await put(OWN, member.headers, { channels: { sms: true } });
    expect(replaced.json()).toEqual({
      channels: { sms: true },
      categories: {},
      quietHours: null,
      updatedAt: NOW.toISOString(),
    });
    expect((await get(OWN, member.headers)).json()).toEqual(replaced.json());
  });

  it('refuses unknown channels by name, bad category names, times and zones (400), storing nothing', async () => {
    const member = await tenantCaller(t.key, ['member']);
    const res = await put(OWN, member.headers, {
      channels: { email: true, fax: true },
      categories: { 'Bad Name': { email: true }, news: { telex: false } },
      quietHours: { start: '24:00', end: '07:00', timezone: 'Mars/Olympus_Mons' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_ERROR');
    const issues = res.json().details.issues as { path: string; message: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'categories.Bad Name',
      'categories.news.telex',
      'channels.fax',
      'quietHours.start',
      'quietHours.timezone',
    ]);
    expect(issues.find((issue) => issue.path === 'channels.fax')?.message).toBe('unknown field');
    expect((await get(OWN, member.headers)).json()).toEqual(EMPTY);
  });
});

describe("another user's preferences", () => {
  it('are refused to a member (403); an admin reads and replaces them, and the user sees the result', async () => {
    const member = await tenantCaller(t.key, ['member']);
    const admin = await tenantCaller(t.key, ['admin'], member.tenantId);
    await put(OWN, admin.headers, document);

    const refused = await put(of(admin.userId), member.headers, { channels: { email: false } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'notifications:manage' } });
    expect((await get(of(admin.userId), member.headers)).statusCode).toBe(403);
    expect((await get(OWN, admin.headers)).json()).toEqual({ ...document, updatedAt: NOW.toISOString() });

    const set = await put(of(member.userId), admin.headers, { categories: { billing: { sms: false } } });
    expect(set.statusCode).toBe(200);
    const expected = {
      channels: {},
      categories: { billing: { sms: false } },
      quietHours: null,
      updatedAt: NOW.toISOString(),
    };
    expect((await get(OWN, member.headers)).json()).toEqual(expected);
    expect((await get(of(member.userId), admin.headers)).json()).toEqual(expected);
  });

  it("of another tenant are invisible: that tenant's admin sees an empty document for the same user id", async () => {
    const owner = await tenantCaller(t.key, ['admin']);
    await put(OWN, owner.headers, document);
    const stranger = await tenantCaller(t.key, ['admin']);
    expect((await get(of(owner.userId), stranger.headers)).json()).toEqual(EMPTY);
    await put(of(owner.userId), stranger.headers, { channels: { email: true } });
    expect((await get(OWN, owner.headers)).json()).toEqual({ ...document, updatedAt: NOW.toISOString() });
  });

  it('answer 400 for a user id that is not a UUID', async () => {
    const admin = await tenantCaller(t.key);
    expect((await get(of('someone'), admin.headers)).statusCode).toBe(400);
  });
});

describe('preference store', () => {
  it('loadPreferences reads the document in the tenant transaction; null when none is stored', async () => {
    const member = await tenantCaller(t.key, ['member']);
    await put(OWN, member.headers, document);
    const load = (tenantId: string, userId: string) =>
      withTransaction(t.pool, (client) => loadPreferences(client, tenantId, userId), { tenantId });
    expect(await load(member.tenantId, member.userId)).toEqual({ ...document, updatedAt: NOW });
    expect(await load(member.tenantId, randomUUID())).toBeNull();
    expect(await load(randomUUID(), member.userId)).toBeNull();
  });

  it('setCategoryChannel creates a document around one choice, merges into one, and repeats without change', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const inTenant = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(t.pool, work, { tenantId });
    const later = new Date(NOW.getTime() + 60_000);
    await inTenant((client) => setCategoryChannel(client, tenantId, userId, 'news', 'email', false, NOW));
    expect(await inTenant((client) => loadPreferences(client, tenantId, userId))).toEqual({
      channels: {},
      categories: { news: { email: false } },
      quietHours: null,
      updatedAt: NOW,
    });
    await inTenant((client) => setCategoryChannel(client, tenantId, userId, 'news', 'sms', true, NOW));
    await inTenant((client) => setCategoryChannel(client, tenantId, userId, 'billing', 'email', false, NOW));
    await inTenant((client) => setCategoryChannel(client, tenantId, userId, 'news', 'email', false, later));
    expect(await inTenant((client) => loadPreferences(client, tenantId, userId))).toEqual({
      channels: {},
      categories: { news: { email: false, sms: true }, billing: { email: false } },
      quietHours: null,
      updatedAt: NOW,
    });
    await expect(
      inTenant((client) => setCategoryChannel(client, tenantId, userId, 'Bad Name', 'email', false, NOW)),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
