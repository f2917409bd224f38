import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { messagesFeature } from '../messages/messages.routes.ts';
import { templatesFeature } from '../templates/templates.routes.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { triggersFeature } from '../triggers/triggers.routes.ts';
import { callbacksFeature } from './callbacks-feature.ts';
import { mailgunSignature } from './mailgun-signature.ts';

// The acceptance: a signed bounce callback produces notification.bounced, and the next
// trigger to that address is suppressed with reason bounced.
const KEY = randomBytes(24).toString('hex');

let smtp: AcceptingSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await startAcceptingSmtp();
  t = await startTestApp(
    { SMTP_URLS: smtp.url },
    {
      features: [
        templatesFeature,
        triggersFeature(() => {}),
        messagesFeature,
        callbacksFeature({ emailWebhookSigningKeys: new Map([['mailgun', KEY]]) }),
      ],
    },
  );
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

function signedBounce(target: { tenantId: string; messageId: string }, recipient: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = randomBytes(25).toString('hex');
  return {
    signature: { timestamp, token, signature: mailgunSignature(KEY, timestamp, token) },
    'event-data': {
      event: 'failed',
      severity: 'permanent',
      recipient,
      timestamp: Number(timestamp),
      'user-variables': target,
      'delivery-status': { code: 550, message: '5.1.1 No such user', description: '' },
    },
  };
}

describe('a bounce reported by the provider', () => {
  it('bounces the message and suppresses the next trigger to the address as bounced', async () => {
    const tenant = await tenantCaller(t.key);
    const address = `gone.${randomUUID().slice(0, 8)}@example.com`;
    const saved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/templates',
      headers: tenant.headers,
      payload: { key: 'receipt', channel: 'email', category: 'orders', subject: 'Receipt', body: '<p>Thanks</p>' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const trigger = (transactionId: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/triggers',
        headers: tenant.headers,
        payload: { templateKey: 'receipt', transactionId, to: { email: address } },
      });
    const first = await trigger(`receipt-${randomUUID()}`);
    expect(first.statusCode, first.body).toBe(202);
    const messageId = first.json<{ messages: { id: string }[] }>().messages[0]!.id;
    const message = () =>
      t.app
        .inject({ url: `/api/v1/notifications/messages/${messageId}`, headers: tenant.headers })
        .then((res) => res.json<{ status: string; events: { type: string }[]; callbacks: { kind: string }[] }>());
    await eventually(message, (view) => expect(view.status).toBe('sent'));

    const bounce = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/callbacks/email/mailgun',
      payload: signedBounce({ tenantId: tenant.tenantId, messageId }, address),
    });
    expect(bounce.json()).toMatchObject({ recorded: ['notification.bounced'] });
    const bounced = await message();
    expect(bounced.status).toBe('bounced');
    expect(bounced.events.map((event) => event.type)).toContain('notification.bounced');
    expect(bounced.callbacks.map((callback) => callback.kind)).toEqual(['bounced']);

    const next = await trigger(`receipt-${randomUUID()}`);
    expect(next.statusCode).toBe(202);
    expect(next.json()).toMatchObject({ messages: [{ channel: 'email', status: 'suppressed', reason: 'bounced' }] });
  });
});
