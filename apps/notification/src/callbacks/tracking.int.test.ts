import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkSigner, type LinkSigner } from '../links/link-signer.ts';
import type { TrackingLinkPayload } from '../links/link-payload.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { messageRecord, recordEvents, seedSentMessage } from './callbacks-test-fixtures.ts';
import { PIXEL, trackingFeature } from './tracking.routes.ts';
import { trackingUrl } from './tracked-html.ts';

let t: TestApp;
let links: LinkSigner;
beforeAll(async () => {
  t = await startTestApp({}, { features: [trackingFeature] });
  links = createLinkSigner(t.pool);
});
afterAll(async () => {
  await t?.close();
});

const BROWSER = { 'user-agent': 'Mozilla/5.0 (test mail client)' };
const pathOf = async (kind: 'open' | 'click', payload: TrackingLinkPayload) =>
  new URL(trackingUrl('http://gateway', kind, await links.sign(payload))).pathname;
const get = (url: string) => t.app.inject({ url, headers: BROWSER });

async function sentEmail(status: 'sent' | 'scheduled' = 'sent') {
  const tenantId = randomUUID();
  const message = await seedSentMessage(t.pool, {
    tenantId,
    channel: 'email',
    address: `ada.${randomUUID().slice(0, 8)}@example.com`,
    until: status,
  });
  return { tenantId, messageId: message.id };
}

function expectPixel(res: Awaited<ReturnType<typeof get>>) {
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('image/gif');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.rawPayload.equals(PIXEL)).toBe(true);
}

describe('open pixel', () => {
  it('answers a 1x1 GIF; the first open is recorded once, every hit kept as a callback', async () => {
    const target = await sentEmail();
    const url = await pathOf('open', { t: 'open', ...target });
    expectPixel(await get(url));
    expectPixel(await get(url));
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types.slice(3)).toEqual(['notification.opened']);
    expect(record.events.at(-1)?.data).toEqual({ provider: null, at: expect.any(String) });
    expect(record.status).toBe('opened');
    expect(record.callbacks).toEqual([
      { provider: 'tracking', kind: 'opened', payload: { userAgent: BROWSER['user-agent'] } },
      { provider: 'tracking', kind: 'opened', payload: { userAgent: BROWSER['user-agent'] } },
    ]);
  });

  it('still answers the pixel, recording nothing, for a bad token or a click token', async () => {
    const target = await sentEmail();
    const click = await pathOf('click', { t: 'click', ...target, url: 'https://example.com/' });
    const open = await pathOf('open', { t: 'open', ...target });
    const tampered = `${open.slice(0, -3)}${open.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    for (const url of [tampered, click.replace('/click/', '/open/'), '/api/v1/notifications/track/open/nonsense'])
      expectPixel(await get(url));
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record).toMatchObject({ status: 'sent', callbacks: [] });
  });

  it('records no event for a message whose status does not allow it (not sent yet, bounced) and nothing for an unknown one', async () => {
    const waiting = await sentEmail('scheduled');
    expectPixel(await get(await pathOf('open', { t: 'open', ...waiting })));
    const record = await messageRecord(t.pool, waiting.tenantId, waiting.messageId);
    expect(record.types).toEqual(['notification.requested', 'notification.scheduled']);
    expect(record.callbacks.map((callback) => callback.kind)).toEqual(['opened']);

    const bounced = await sentEmail();
    const bounce = {
      provider: 'mailgun',
      bounceType: 'hard' as const,
      diagnostic: '550',
      at: new Date().toISOString(),
    };
    await recordEvents(t.pool, bounced, [{ type: 'notification.bounced', data: bounce }]);
    expectPixel(await get(await pathOf('open', { t: 'open', ...bounced })));
    const after = await messageRecord(t.pool, bounced.tenantId, bounced.messageId);
    expect(after).toMatchObject({ status: 'bounced', types: expect.arrayContaining(['notification.bounced']) });
    expect(after.types).not.toContain('notification.opened');

    const unknown = { tenantId: waiting.tenantId, messageId: randomUUID() };
    expectPixel(await get(await pathOf('open', { t: 'open', ...unknown })));
    expect((await messageRecord(t.pool, unknown.tenantId, unknown.messageId)).callbacks).toEqual([]);
  });
});

describe('click redirect', () => {
  it('redirects to the signed URL and records every click with its URL', async () => {
    const target = await sentEmail();
    const offer = 'https://shop.example.com/offer?code=A1&utm=mail';
    const url = await pathOf('click', { t: 'click', ...target, url: offer });
    for (let i = 0; i < 2; i += 1) {
      const res = await get(url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(offer);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types.slice(3)).toEqual(['notification.clicked', 'notification.clicked']);
    expect(record.events.at(-1)?.data).toEqual({ provider: null, at: expect.any(String), url: offer });
    expect(record.status).toBe('clicked');
    expect(record.callbacks).toContainEqual({
      provider: 'tracking',
      kind: 'clicked',
      payload: { url: offer, userAgent: BROWSER['user-agent'] },
    });
    expect(record.callbacks).toHaveLength(2);
  });

  it('answers 404 for a bad token or an open token, recording nothing; HEAD records nothing', async () => {
    const target = await sentEmail();
    const open = await pathOf('open', { t: 'open', ...target });
    const click = await pathOf('click', { t: 'click', ...target, url: 'https://example.com/' });
    for (const url of [open.replace('/open/', '/click/'), `${click}x`, '/api/v1/notifications/track/click/a.1.b']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'NOT_FOUND' });
    }
    const head = await t.app.inject({ method: 'HEAD', url: click });
    expect(head.statusCode).toBe(302);
    expect(await messageRecord(t.pool, target.tenantId, target.messageId)).toMatchObject({
      status: 'sent',
      callbacks: [],
    });
  });
});
