import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { findTemplatesForSend, findTemplateVersion } from './template-store.ts';
import { templatesFeature } from './templates.routes.ts';

const BASE = '/api/v1/notifications/templates';
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [templatesFeature] });
});
afterAll(async () => {
  await t?.close();
});

type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Headers, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload && { payload }) });

const welcome = (extra: Record<string, unknown> = {}) => ({
  key: `welcome.${randomUUID().slice(0, 8)}`,
  channel: 'email',
  category: 'onboarding',
  subject: 'Welcome {{ user.firstName }}',
  body: '<p>Hello {{ user.firstName }}</p>',
  ...extra,
});

async function create(headers: Headers, body: object = welcome()) {
  const res = await call('POST', BASE, headers, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; key: string; version: number }>();
}

const issuesOf = (res: { json<T>(): T }) =>
  res.json<{ details: { issues: { path: string; message: string; line?: number }[] } }>().details.issues;

describe('templates', () => {
  it('creates version 1 with defaults, and reads it back', async () => {
    const caller = await tenantCaller(t.key);
    const body = welcome();
    const res = await call('POST', BASE, caller.headers, body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['etag']).toBe('"1"');
    const created = res.json<{ id: string }>();
    expect(created).toMatchObject({
      ...body,
      locale: 'en',
      critical: false,
      enabledByDefault: true,
      version: 1,
      createdAt: expect.any(String),
    });
    const read = await call('GET', `${BASE}/${created.id}`, caller.headers);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(created);
  });

  it('refuses a second template for the same key, channel and locale', async () => {
    const caller = await tenantCaller(t.key);
    const body = welcome();
    const first = await create(caller.headers, body);
    const again = await call('POST', BASE, caller.headers, { ...body, subject: 'Other' });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'template_key_unique', existingId: first.id },
    });
    await create(caller.headers, { ...body, locale: 'de' });
  });

  it('refuses a broken template with its line, and stores nothing', async () => {
    const caller = await tenantCaller(t.key);
    const body = welcome({ body: 'Hi\n{{ user.firstName | shout }}' });
    const res = await call('POST', BASE, caller.headers, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'VALIDATION_ERROR', message: "body line 2: unknown filter 'shout'" });
    expect(issuesOf(res)).toEqual([expect.objectContaining({ path: 'body', line: 2 })]);
    const listed = await call('GET', `${BASE}?key=${body.key}`, caller.headers);
    expect(listed.json()).toEqual({ templates: [], nextCursor: null });
  });

  it('refuses an email without a subject and an SMS with one, naming subject', async () => {
    const caller = await tenantCaller(t.key);
    const email = await call('POST', BASE, caller.headers, welcome({ subject: undefined }));
    expect(email.statusCode).toBe(400);
    expect(issuesOf(email)).toEqual([expect.objectContaining({ path: 'subject' })]);
    const sms = await call('POST', BASE, caller.headers, welcome({ channel: 'sms' }));
    expect(issuesOf(sms)).toEqual([expect.objectContaining({ path: 'subject', message: 'must be absent for sms' })]);
  });

  it('names an unknown body field', async () => {
    const caller = await tenantCaller(t.key);
    const res = await call('POST', BASE, caller.headers, welcome({ colour: 'blue' }));
    expect(res.statusCode).toBe(400);
    expect(issuesOf(res)).toEqual([expect.objectContaining({ path: 'colour', message: 'unknown field' })]);
  });

  it('lets a viewer read but not create: 403 before the body is looked at', async () => {
    const admin = await tenantCaller(t.key);
    const viewer = await tenantCaller(t.key, ['viewer'], admin.tenantId);
    const res = await call('POST', BASE, viewer.headers, { nonsense: true });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'notifications:manage' } });
    const { id } = await create(admin.headers);
    expect((await call('GET', `${BASE}/${id}`, viewer.headers)).statusCode).toBe(200);
  });

  it("answers 404 for another tenant's template", async () => {
    const owner = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const { id } = await create(owner.headers);
    for (const [method, url, payload] of [
      ['GET', `${BASE}/${id}`, undefined],
      ['GET', `${BASE}/${id}/versions`, undefined],
      ['PUT', `${BASE}/${id}`, { category: 'x', subject: 's', body: 'b' }],
      ['POST', `${BASE}/${id}/preview`, { data: {} }],
    ] as const) {
      const res = await call(method, url, other.headers, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
  });
});

describe('versions', () => {
  it('bumps the version on PUT and keeps the old one readable and previewable', async () => {
    const caller = await tenantCaller(t.key);
    const { id } = await create(caller.headers);
    const update = {
      category: 'onboarding',
      critical: true,
      subject: 'Hi {{ user.firstName }}!',
      body: 'v2 {{ user.firstName }}',
    };
    const put = await call('PUT', `${BASE}/${id}`, { ...caller.headers, 'if-match': '"1"' }, update);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.headers['etag']).toBe('"2"');
    expect(put.json()).toMatchObject({ ...update, version: 2, enabledByDefault: true });

    const versions = await call('GET', `${BASE}/${id}/versions`, caller.headers);
    expect(versions.json<{ versions: object[] }>().versions).toEqual([
      expect.objectContaining({
        version: 2,
        body: 'v2 {{ user.firstName }}',
        critical: true,
        createdBy: caller.userId,
      }),
      expect.objectContaining({ version: 1, body: '<p>Hello {{ user.firstName }}</p>', critical: false }),
    ]);
    const data = { user: { firstName: '<Ann>' } };
    const old = await call('POST', `${BASE}/${id}/preview`, caller.headers, { data, version: 1 });
    expect(old.json()).toEqual({ subject: 'Welcome <Ann>', body: '<p>Hello &lt;Ann&gt;</p>', version: 1 });
    const current = await call('POST', `${BASE}/${id}/preview`, caller.headers, { data });
    expect(current.json()).toEqual({ subject: 'Hi <Ann>!', body: 'v2 &lt;Ann&gt;', version: 2 });
  });

  it('refuses a stale If-Match or expectedVersion with 409 and changes nothing', async () => {
    const caller = await tenantCaller(t.key);
    const { id } = await create(caller.headers);
    const update = { category: 'onboarding', subject: 's', body: 'b' };
    const stale = await call('PUT', `${BASE}/${id}`, { ...caller.headers, 'if-match': '"7"' }, update);
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 7, actualVersion: 1 },
    });
    const body = await call('PUT', `${BASE}/${id}`, caller.headers, { ...update, expectedVersion: 3 });
    expect(body.statusCode).toBe(409);
    expect((await call('GET', `${BASE}/${id}`, caller.headers)).json()).toMatchObject({ version: 1 });
  });

  it('refuses a broken update with its line and keeps the version', async () => {
    const caller = await tenantCaller(t.key);
    const { id } = await create(caller.headers);
    const res = await call('PUT', `${BASE}/${id}`, caller.headers, {
      category: 'onboarding',
      subject: 's',
      body: 'ok\n{% if x %}\nno end',
    });
    expect(res.statusCode).toBe(400);
    expect(issuesOf(res)).toEqual([expect.objectContaining({ path: 'body', line: 3 })]);
    const versions = await call('GET', `${BASE}/${id}/versions`, caller.headers);
    expect(versions.json<{ versions: object[] }>().versions).toHaveLength(1);
  });
});

describe('preview', () => {
  it('answers 400 naming a variable missing from the data', async () => {
    const caller = await tenantCaller(t.key);
    const { id } = await create(caller.headers);
    const res = await call('POST', `${BASE}/${id}/preview`, caller.headers, { data: { user: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      message: "subject line 1: 'user.firstName' is undefined; body line 1: 'user.firstName' is undefined",
    });
    expect(issuesOf(res)[0]).toMatchObject({ path: 'data.user.firstName', line: 1 });
    const missing = await call('POST', `${BASE}/${id}/preview`, caller.headers, { data: {}, version: 9 });
    expect(missing.statusCode).toBe(404);
  });

  it('renders content not saved yet, checked as a save checks it', async () => {
    const caller = await tenantCaller(t.key);
    const ok = await call('POST', `${BASE}/preview`, caller.headers, {
      channel: 'push',
      subject: 'Order {{ id }}',
      body: '{{ items | length }} items',
      data: { id: 'A1', items: [1, 2] },
    });
    expect(ok.json()).toEqual({ subject: 'Order A1', body: '2 items' });
    const broken = await call('POST', `${BASE}/preview`, caller.headers, {
      channel: 'sms',
      body: '{{ x | nope }}',
      data: {},
    });
    expect(broken.json()).toMatchObject({ message: "body line 1: unknown filter 'nope'" });
    const viewer = await tenantCaller(t.key, ['viewer'], caller.tenantId);
    expect((await call('POST', `${BASE}/preview`, viewer.headers, { body: 'x' })).statusCode).toBe(403);
  });
});

describe('list', () => {
  it('filters and pages with a cursor', async () => {
    const caller = await tenantCaller(t.key);
    const key = `digest.${randomUUID().slice(0, 8)}`;
    for (const locale of ['en', 'de', 'fr']) await create(caller.headers, welcome({ key, locale }));
    await create(caller.headers, welcome({ channel: 'sms', subject: null, body: 'x', category: 'alerts' }));
    type Page = { templates: { key: string; locale: string }[]; nextCursor: string | null };
    const first = (await call('GET', `${BASE}?channel=email&limit=2`, caller.headers)).json<Page>();
    expect(first.templates).toHaveLength(2);
    const next = await call('GET', `${BASE}?channel=email&limit=2&cursor=${first.nextCursor}`, caller.headers);
    const second = next.json<Page>();
    expect(second).toMatchObject({ templates: [expect.anything()], nextCursor: null });
    const locales = [...first.templates, ...second.templates].map((x) => x.locale).sort();
    expect(locales).toEqual(['de', 'en', 'fr']);
    const alerts = await call('GET', `${BASE}?category=alerts`, caller.headers);
    expect(alerts.json<{ templates: object[] }>().templates).toEqual([expect.objectContaining({ channel: 'sms' })]);
    expect((await call('GET', `${BASE}?cursor=garbage`, caller.headers)).statusCode).toBe(400);
    expect(issuesOf(await call('GET', `${BASE}?colour=red`, caller.headers))[0]).toMatchObject({ path: 'colour' });
  });
});

describe('findTemplatesForSend', () => {
  it('falls back from the locale to its language, then to en; null when none', async () => {
    const caller = await tenantCaller(t.key);
    const key = `reset.${randomUUID().slice(0, 8)}`;
    const en = await create(caller.headers, welcome({ key }));
    const de = await create(caller.headers, welcome({ key, locale: 'de' }));
    const deAt = await create(caller.headers, welcome({ key, locale: 'de-AT' }));
    const find = (locale: string, channel: 'email' | 'sms' = 'email') =>
      withTransaction(
        t.pool,
        async (client) =>
          (await findTemplatesForSend(client, caller.tenantId, key, [channel], locale)).get(channel) ?? null,
        { tenantId: caller.tenantId },
      );
    expect((await find('de-AT'))?.id).toBe(deAt.id);
    expect((await find('de-CH'))?.id).toBe(de.id);
    expect(await find('fr')).toMatchObject({ id: en.id, version: 1, category: 'onboarding', critical: false });
    expect(await find('en', 'sms')).toBeNull();
    const version = await withTransaction(t.pool, (client) => findTemplateVersion(client, caller.tenantId, de.id, 1), {
      tenantId: caller.tenantId,
    });
    expect(version).toMatchObject({ templateId: de.id, channel: 'email', locale: 'de', version: 1 });
  });
});

describe('OpenAPI', () => {
  it('documents every template operation with its id, tag and the errors it gives', () => {
    type Operation = { operationId?: string; tags?: string[]; responses: Record<string, unknown> };
    const doc = t.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith(BASE))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, ...operation })),
      );
    expect(operations.map((o) => o.operationId).sort()).toEqual([
      'createTemplate',
      'getTemplate',
      'listTemplateVersions',
      'listTemplates',
      'previewTemplate',
      'previewUnsavedTemplate',
      'updateTemplate',
    ]);
    for (const operation of operations) expect(operation.tags).toEqual(['templates']);
    const statuses = (id: string) => Object.keys(operations.find((o) => o.operationId === id)!.responses);
    expect(statuses('createTemplate')).toEqual(expect.arrayContaining(['201', '400', '403', '422']));
    expect(statuses('updateTemplate')).toEqual(expect.arrayContaining(['200', '400', '404', '409']));
  });
});
