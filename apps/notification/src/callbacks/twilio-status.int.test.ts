import { randomUUID } from 'node:crypto';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsChannel } from '../channels/sms-channel.ts';
import { closedPort } from '../channels/testing/smtp-servers.ts';
import { startFakeTwilio, type FakeTwilio } from '../channels/testing/fake-twilio.ts';
import { twilioSignature } from '../channels/twilio-signature.ts';
import { outgoingOf } from '../dispatch/prepare-send.ts';
import { createLinkSigner } from '../links/link-signer.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { messageRecord, seedSentMessage } from './callbacks-test-fixtures.ts';
import { createMessageDecorator, smsStatusCallbackUrl } from './decorate.ts';
import { twilioStatusFeature } from './twilio-status.routes.ts';

// The app listens on PUBLIC_BASE_URL's port, so the fake Twilio posts its signed status callbacks
// to the very URL the decorator gave the SMS channel.
let fake: FakeTwilio;
let t: TestApp;
const outbound = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
beforeAll(async () => {
  fake = await startFakeTwilio();
  const port = await closedPort();
  t = await startTestApp(
    { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, TWILIO_AUTH_TOKEN: fake.authToken },
    { features: [twilioStatusFeature] },
  );
  await t.app.listen({ port, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
  await outbound.close();
});

/** An SMS sent through the fake Twilio with the decorator's status callback URL. */
async function sentSms() {
  const tenantId = randomUUID();
  const message = await seedSentMessage(t.pool, { tenantId, channel: 'sms', address: '+14155550100' });
  const decorate = createMessageDecorator(t, createLinkSigner(t.pool), { tracking: true });
  const channel = createSmsChannel({
    accounts: [
      {
        name: 'twilio',
        baseUrl: fake.baseUrl,
        accountSid: fake.accountSid,
        authToken: fake.authToken,
        from: '+15005550006',
      },
    ],
    outbound,
  });
  const result = await channel.send(await decorate(message, outgoingOf(message)));
  expect(result.status).toBe('sent');
  return { tenantId, messageId: message.id };
}

/** A status callback posted with inject, signed over `signedUrl` (default: the URL it is posted to). */
function callback(
  target: { tenantId: string; messageId: string },
  status: string,
  options: { signedUrl?: string; signature?: string | null; tamper?: boolean } = {},
) {
  const url = smsStatusCallbackUrl(t.config.PUBLIC_BASE_URL, target);
  const params: Record<string, string> = {
    MessageSid: `SM${randomUUID().replaceAll('-', '')}`,
    MessageStatus: status,
    To: '+14155550100',
  };
  const signature =
    options.signature === undefined
      ? twilioSignature(fake.authToken, options.signedUrl ?? url, params)
      : options.signature;
  if (options.tamper) params.MessageStatus = 'delivered';
  return t.app.inject({
    method: 'POST',
    url: url.slice(t.config.PUBLIC_BASE_URL.length),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature !== null && { 'x-twilio-signature': signature }),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

describe('Twilio status callback', () => {
  it("records the delivery reported by Twilio's signed callback to the decorator's URL", async () => {
    const target = await sentSms();
    expect(await fake.deliverAll('delivered')).toEqual([200]);
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types.slice(3)).toEqual(['notification.delivered']);
    expect(record.events.at(-1)?.data).toEqual({ provider: 'twilio', at: expect.any(String) });
    expect(record.status).toBe('delivered');
    expect(record.callbacks).toEqual([
      {
        provider: 'twilio',
        kind: 'delivered',
        payload: expect.objectContaining({
          MessageStatus: 'delivered',
          To: '+14155550100',
          AccountSid: fake.accountSid,
        }),
      },
    ]);
  });

  it('an undelivered message fails permanently with the error code', async () => {
    const target = await sentSms();
    expect(await fake.deliverAll('undelivered')).toEqual([200]);
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.events.at(-1)).toEqual({
      type: 'notification.failed',
      data: { attempts: 1, permanent: true, lastError: 'twilio: undelivered (error 30003)' },
    });
    expect(record).toMatchObject({ status: 'failed', statusReason: 'permanent', suppressions: [] });
    expect(record.callbacks.map((row) => row.kind)).toEqual(['failed']);
  });

  it('keeps other statuses as callbacks only, and answers 200 storing nothing for an unknown message', async () => {
    const target = await sentSms();
    const sent = await callback(target, 'sent');
    expect(sent.json()).toEqual({ received: true, known: true, recorded: [] });
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record).toMatchObject({ status: 'sent', callbacks: [{ provider: 'twilio', kind: 'sent' }] });
    const unknown = await callback({ tenantId: target.tenantId, messageId: randomUUID() }, 'delivered');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toEqual({ received: true, known: false, recorded: [] });
  });

  it('records no failure for a message not handed to Twilio yet (the dispatcher records its send)', async () => {
    const tenantId = randomUUID();
    const waiting = await seedSentMessage(t.pool, {
      tenantId,
      channel: 'sms',
      address: '+14155550100',
      until: 'scheduled',
    });
    const res = await callback({ tenantId, messageId: waiting.id }, 'failed');
    expect(res.json()).toEqual({ received: true, known: true, recorded: [] });
    const record = await messageRecord(t.pool, tenantId, waiting.id);
    expect(record).toMatchObject({ status: 'scheduled', callbacks: [{ provider: 'twilio', kind: 'failed' }] });
  });

  it('refuses a tampered form, a signature over another URL and a missing signature; nothing changes', async () => {
    const target = await sentSms();
    const other = smsStatusCallbackUrl(t.config.PUBLIC_BASE_URL, { ...target, messageId: randomUUID() });
    const refused = [
      await callback(target, 'undelivered', { tamper: true }),
      await callback(target, 'delivered', { signedUrl: other }),
      await callback(target, 'delivered', { signature: null }),
      await callback(target, 'delivered', { signature: 'AAAA' }),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    }
    const ok = await callback(target, 'delivered');
    expect(ok.statusCode).toBe(200);
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.callbacks.map((row) => row.kind)).toEqual(['delivered']);
  });

  it('answers 404 when SMS is not configured', async () => {
    const bare = await startTestApp({}, { features: [twilioStatusFeature] });
    try {
      const target = { tenantId: randomUUID(), messageId: randomUUID() };
      const res = await bare.app.inject({
        method: 'POST',
        url: smsStatusCallbackUrl('', target),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        payload: 'MessageStatus=delivered',
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
