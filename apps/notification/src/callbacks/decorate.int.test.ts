import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../channels/email-channel.ts';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { outgoingOf, type QueuedMessage } from '../dispatch/prepare-send.ts';
import { createLinkSigner, type LinkSigner } from '../links/link-signer.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { createMessageDecorator } from './decorate.ts';

const BASE = 'https://api.example.com';
const UNSUBSCRIBE = `${BASE}/api/v1/notifications/unsubscribe/`;
const TRACK = `${BASE}/api/v1/notifications/track/`;
/** A link whose click token would not fit one path segment. */
const LONG = `https://example.com/${'x'.repeat(1600)}`;

let t: TestApp;
let links: LinkSigner;
beforeAll(async () => {
  t = await startTestApp({ PUBLIC_BASE_URL: `${BASE}/` }, { features: [] });
  links = createLinkSigner(t.pool);
});
afterAll(async () => {
  await t?.close();
});

const decorator = (tracking = true) => createMessageDecorator(t, links, { tracking });

function message(overrides: Partial<QueuedMessage> = {}): QueuedMessage {
  return {
    id: randomUUID(),
    tenantId: randomUUID(),
    channel: 'email',
    status: 'scheduled',
    userId: randomUUID(),
    address: 'ada@example.com',
    subject: 'Offer',
    body: '<html><body><p>Hi</p></body></html>',
    data: {},
    templateKey: 'offer',
    templateVersion: 1,
    category: 'marketing',
    critical: false,
    isDigest: false,
    ...overrides,
  };
}

const decorate = async (queued: QueuedMessage, tracking = true) => decorator(tracking)(queued, outgoingOf(queued));

/** The payload of the token at the end of `url` under `prefix`. */
async function payloadOf(url: string | undefined, prefix: string) {
  expect(url?.startsWith(prefix), url).toBe(true);
  return links.verify(decodeURIComponent(url!.slice(prefix.length)));
}

describe('message decorator: email headers', () => {
  it("a non-critical email gets RFC 8058 one-click headers for the user's category, and the Mailgun variables", async () => {
    const queued = message();
    const { headers } = await decorate(queued);
    expect(headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(.+)>$/.exec(headers?.['List-Unsubscribe'] ?? '')?.[1];
    expect(await payloadOf(link, UNSUBSCRIBE)).toEqual({
      t: 'unsub',
      tenantId: queued.tenantId,
      userId: queued.userId,
      channel: 'email',
      category: 'marketing',
      messageId: queued.id,
    });
    expect(JSON.parse(headers?.['X-Mailgun-Variables'] ?? '')).toEqual({
      tenantId: queued.tenantId,
      messageId: queued.id,
    });
  });

  it('an email to a bare address unsubscribes the address', async () => {
    const queued = message({ userId: null });
    const link = /^<(.+)>$/.exec((await decorate(queued)).headers?.['List-Unsubscribe'] ?? '')?.[1];
    expect(await payloadOf(link, UNSUBSCRIBE)).toMatchObject({ address: 'ada@example.com', category: 'marketing' });
  });

  it('a critical email has no List-Unsubscribe, but still the Mailgun variables', async () => {
    const { headers } = await decorate(message({ critical: true }));
    expect(Object.keys(headers ?? {})).toEqual(['X-Mailgun-Variables']);
  });

  it('the headers reach the recipient through the email channel', async () => {
    const smtp: AcceptingSmtp = await startAcceptingSmtp();
    const channel = createEmailChannel({
      providers: [{ name: 'smtp-1', url: smtp.url }],
      from: 'BizOSaaS <n@example.com>',
      poolSize: 1,
    });
    try {
      const queued = message();
      expect((await channel.send(await decorate(queued))).status).toBe('sent');
      const [mail] = await smtp.waitFor(1);
      const lines = new Map(mail?.headerLines.map((header) => [header.key, header.line.replace(/\r\n(?=[ \t])/g, '')]));
      expect(lines.get('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(lines.get('list-unsubscribe')).toMatch(
        /^List-Unsubscribe: <https:\/\/api\.example\.com\/api\/v1\/notifications\/unsubscribe\/[\w.-]+>$/,
      );
      // As sent: JSON on one line, not RFC 2047 encoded words (which webhooks would not decode).
      expect(lines.get('x-mailgun-variables')).toBe(
        `X-Mailgun-Variables: ${JSON.stringify({ tenantId: queued.tenantId, messageId: queued.id })}`,
      );
    } finally {
      await channel.close();
      await smtp.close();
    }
  });
});

describe('message decorator: tracking', () => {
  it('leads every http(s) link that fits through the click route and adds the open pixel before </body>', async () => {
    const queued = message({
      body: [
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/mail.css"></head><body>',
        '<a class="cta" href="https://shop.example.com/offer?code=A1&amp;utm=mail">Offer</a>',
        "<a href='http://example.org/about'>About</a>",
        '<a href="mailto:help@example.com">Help</a>',
        `<a href="${LONG}">Long</a>`,
        `<a href="${UNSUBSCRIBE}abc.1.def">Unsubscribe</a>`,
        '</body></html>',
      ].join('\n'),
    });
    const { body } = await decorate(queued);
    const hrefs = [...body.matchAll(/href=["']([^"']*)["']/g)].map((match) => match[1]);
    expect(hrefs[0]).toBe('https://cdn.example.com/mail.css');
    expect(await payloadOf(hrefs[1], `${TRACK}click/`)).toEqual({
      t: 'click',
      tenantId: queued.tenantId,
      messageId: queued.id,
      url: 'https://shop.example.com/offer?code=A1&utm=mail',
    });
    expect(await payloadOf(hrefs[2], `${TRACK}click/`)).toMatchObject({ url: 'http://example.org/about' });
    expect(hrefs.slice(3)).toEqual(['mailto:help@example.com', LONG, `${UNSUBSCRIBE}abc.1.def`]);
    expect(body).toContain('<a class="cta" href="');
    const pixel = /<img src="([^"]+)" width="1" height="1" alt="">\n?<\/body><\/html>$/.exec(body);
    expect(await payloadOf(pixel?.[1], `${TRACK}open/`)).toEqual({
      t: 'open',
      tenantId: queued.tenantId,
      messageId: queued.id,
    });
  });

  it('appends the pixel to a body without </body>; tracking off leaves the body as it is', async () => {
    const queued = message({ body: '<p><a href="https://example.com">x</a></p>' });
    expect((await decorate(queued)).body).toMatch(/^<p><a href="https:\/\/api\.example\.com\/.+<\/p><img src=".+">$/);
    expect((await decorate(queued, false)).body).toBe(queued.body);
  });
});

describe('message decorator: other channels', () => {
  it('an SMS gets the status callback URL naming its tenant and message; push goes unchanged', async () => {
    const sms = message({ channel: 'sms', address: '+14155550100' });
    expect((await decorate(sms)).statusCallbackUrl).toBe(
      `${BASE}/api/v1/notifications/callbacks/sms/twilio?tenantId=${sms.tenantId}&messageId=${sms.id}`,
    );
    const push = message({ channel: 'push', address: '[]' });
    expect(await decorate(push)).toEqual(outgoingOf(push));
  });
});
