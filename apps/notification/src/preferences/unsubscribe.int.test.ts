import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { createLinkSigner, unsubscribeUrl, type LinkSigner } from '../links/link-signer.ts';
import type { LinkPayload } from '../links/link-payload.ts';
import { preferencesFeature } from './preferences.routes.ts';
import { listUnsubscribeHeaders, unsubscribeFeature } from './unsubscribe.routes.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const PREFERENCES = '/api/v1/notifications/preferences';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ONE_CLICK = 'List-Unsubscribe=One-Click';

let t: TestApp;
let links: LinkSigner;
beforeAll(async () => {
  t = await startTestApp({}, { features: [preferencesFeature, unsubscribeFeature], now: () => NOW });
  links = createLinkSigner(t.pool);
});
afterAll(async () => {
  await t?.close();
});

const pathOf = async (payload: LinkPayload) =>
  new URL(unsubscribeUrl('http://gateway', await links.sign(payload))).pathname;
type Headers = Record<string, string>;
const show = (url: string) => t.app.inject({ url });
const post = (url: string, headers: Headers = FORM, payload = ONE_CLICK) =>
  t.app.inject({ method: 'POST', url, headers, payload });

/** A member who turned SMS on for marketing, and the link unsubscribing them from marketing email. */
async function subscribedMember() {
  const member = await tenantCaller(t.key, ['member']);
  await t.app.inject({
    method: 'PUT',
    url: PREFERENCES,
    headers: member.headers,
    payload: { channels: { email: true }, categories: { marketing: { sms: true } } },
  });
  const url = await pathOf({
    t: 'unsub',
    tenantId: member.tenantId,
    userId: member.userId,
    channel: 'email',
    category: 'marketing',
  });
  const preferences = async () => (await t.app.inject({ url: PREFERENCES, headers: member.headers })).json();
  return { member, url, preferences };
}

describe('unsubscribe link of a user', () => {
  it('GET shows what it stops and a form posting back, without an access token, and changes nothing', async () => {
    const { url, preferences } = await subscribedMember();
    const before = await preferences();
    const page = await show(url);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('Stop receiving marketing emails?');
    expect(page.body).toContain('<form method="post">');
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await preferences()).toEqual(before);
  });

  it('POST one-click turns the category off for the channel only; a repeat answers the same', async () => {
    const { url, preferences } = await subscribedMember();
    const done = await post(url);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You are unsubscribed');
    expect(done.body).toContain('You will no longer receive marketing emails.');
    const after = await preferences();
    expect(after).toMatchObject({ channels: { email: true }, categories: { marketing: { sms: true, email: false } } });

    const again = await post(url, { ...FORM, accept: 'application/json' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ unsubscribed: true, scope: 'user', channel: 'email', category: 'marketing' });
    expect(await preferences()).toEqual(after);
  });

  it('POST takes an empty body, a multipart one and the JSON of an API client; a wrong one-click value is 400', async () => {
    const { url, preferences } = await subscribedMember();
    expect((await t.app.inject({ method: 'POST', url })).statusCode).toBe(200);
    expect((await preferences()).categories.marketing.email).toBe(false);
    const boundary = 'x-boundary';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect(
      (await post(url, { 'content-type': `multipart/form-data; boundary=${boundary}` }, multipart)).statusCode,
    ).toBe(200);
    const json = await post(url, { 'content-type': 'application/json', accept: 'application/json' }, '{}');
    expect(json.json()).toMatchObject({ unsubscribed: true });
    const wrong = await post(url, FORM, 'List-Unsubscribe=Everything');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details.issues.map((issue: { path: string }) => issue.path)).toEqual(['List-Unsubscribe']);
  });
});

describe('unsubscribe link of an address', () => {
  it('POST suppresses the lower-cased address on the channel once, with the message it came from', async () => {
    const tenantId = randomUUID();
    const messageId = randomUUID();
    const url = await pathOf({
      t: 'unsub',
      tenantId,
      address: 'Jane.Doe@Example.com',
      channel: 'email',
      category: 'news',
      messageId,
    });
    expect((await show(url)).body).toContain('Stop receiving news emails to Jane.Doe@Example.com?');
    const json = { ...FORM, accept: 'application/json' };
    for (let i = 0; i < 2; i++) {
      const res = await post(url, json);
      expect(res.json()).toEqual({ unsubscribed: true, scope: 'address', channel: 'email', category: 'news' });
    }
    const { rows } = await withTransaction(
      t.pool,
      (client) => client.query('SELECT channel, address, reason, message_id, created_at FROM suppressions'),
      { tenantId },
    );
    expect(rows).toEqual([
      {
        channel: 'email',
        address: 'jane.doe@example.com',
        reason: 'unsubscribed',
        message_id: messageId,
        created_at: NOW,
      },
    ]);
  });
});

describe('invalid unsubscribe links', () => {
  it('answer 404 in the error shape to GET and POST: tampered, another kind of link, garbage', async () => {
    const { url, preferences } = await subscribedMember();
    const before = await preferences();
    const token = url.split('/').at(-1)!;
    const tampered = url.replace(token, `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`);
    const tracking = await pathOf({ t: 'click', tenantId: randomUUID(), messageId: randomUUID() });
    for (const bad of [tampered, tracking, '/api/v1/notifications/unsubscribe/nonsense']) {
      for (const res of [await show(bad), await post(bad)]) {
        expect(res.statusCode, bad).toBe(404);
        expect(res.json()).toMatchObject({ error: 'NOT_FOUND', message: 'Unknown or invalid unsubscribe link' });
      }
    }
    expect(await preferences()).toEqual(before);
  });
});

describe('unsubscribe wiring', () => {
  it('is public in the OpenAPI document, reads forms only on its own route, and gives the RFC 8058 headers', async () => {
    const doc = (await t.app.inject({ url: '/docs/json' })).json();
    const path = doc.paths['/api/v1/notifications/unsubscribe/{token}'];
    expect(path.get.security).toEqual([]);
    expect(path.post.security).toEqual([]);
    expect(Object.keys(path.post.requestBody.content)).toContain('application/x-www-form-urlencoded');
    expect(Object.keys(path.post.responses['200'].content).sort()).toEqual(['application/json', 'text/html']);
    expect(doc.paths['/api/v1/notifications/preferences'].get.security).toEqual([{ bearerAuth: [] }]);

    const member = await tenantCaller(t.key, ['member']);
    const form = await t.app.inject({
      method: 'PUT',
      url: PREFERENCES,
      headers: { ...member.headers, ...FORM },
      payload: 'channels=1',
    });
    expect(form.statusCode).toBe(415);

    expect(listUnsubscribeHeaders('https://api.example.com/api/v1/notifications/unsubscribe/a.1.b')).toEqual({
      'List-Unsubscribe': '<https://api.example.com/api/v1/notifications/unsubscribe/a.1.b>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});
