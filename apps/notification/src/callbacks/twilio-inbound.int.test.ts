import { randomInt, randomUUID } from 'node:crypto';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../channels/testing/smtp-servers.ts';
import { startFakeTwilio, type FakeTwilio } from '../channels/testing/fake-twilio.ts';
import { twilioSignature } from '../channels/twilio-signature.ts';
import { templatesFeature } from '../templates/templates.routes.ts';
import { startTestApp, type TestApp } from '../test-support.ts';
import { triggersFeature } from '../triggers/triggers.routes.ts';
import { seedSentMessage, seedSuppressions, smsTenant, tenantSuppressions } from './callbacks-test-fixtures.ts';
import { EMPTY_TWIML, SMS_INBOUND_PATH, smsInboundUrl, twilioInboundFeature } from './twilio-inbound.routes.ts';

// The app listens on PUBLIC_BASE_URL's port and sends through the fake Twilio, which posts the
// replies people text to the platform's number, signed, to the inbound URL set on that number.
const PLATFORM_NUMBER = '+15005550006';
let fake: FakeTwilio;
let t: TestApp;
let url: string;
beforeAll(async () => {
  fake = await startFakeTwilio();
  const port = await closedPort();
  t = await startTestApp(
    {
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      TWILIO_BASE_URL: fake.baseUrl,
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: PLATFORM_NUMBER,
    },
    { features: [templatesFeature, triggersFeature(() => {}), twilioInboundFeature] },
  );
  await t.app.listen({ port, host: '127.0.0.1' });
  url = smsInboundUrl(t.config.PUBLIC_BASE_URL);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

// Replies act on every tenant that texted the number: each test has numbers of its own, so the
// test files running beside this one (and their tenants) never share them.
const uniquePhone = () => `+1555${randomInt(1_000_000, 10_000_000)}`;
const reply = (from: string, body: string) => fake.reply({ from, to: PLATFORM_NUMBER, body, url });
const TWIML = { status: 200, contentType: 'text/xml; charset=utf-8', body: EMPTY_TWIML };

const shippingTenant = () => smsTenant(t, { key: 'shipped', category: 'orders', body: 'Your order shipped' });

const sentTo = (phone: string) => fake.messages.filter((message) => message.to === phone).length;

describe('SMS replies to the platform number (Twilio inbound webhook)', () => {
  it('START from a number a 21610 suppressed lifts that suppression: the next trigger is sent', async () => {
    const phone = uniquePhone();
    const a = await shippingTenant();
    const other = randomUUID();
    await seedSentMessage(t.pool, { tenantId: other, channel: 'sms', address: phone });
    const unrelated = [
      { channel: 'email', address: 'gone@example.com', reason: 'bounced', message_id: null },
      { channel: 'sms', address: phone, reason: 'complained', message_id: null },
    ];
    await seedSuppressions(t.pool, other, unrelated);
    fake.optOut(phone);
    const refused = await a.trigger(phone);
    await a.settled(refused.id, 'failed');
    expect(await tenantSuppressions(t.pool, a.tenantId)).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: refused.id },
    ]);

    expect(await reply(phone, 'Start')).toEqual(TWIML);

    expect(await tenantSuppressions(t.pool, a.tenantId)).toEqual([]);
    expect(await tenantSuppressions(t.pool, other)).toEqual(unrelated);
    const next = await a.trigger(phone);
    expect(next).toMatchObject({ status: 'scheduled' });
    await a.settled(next.id, 'sent');
    expect(sentTo(phone)).toBe(1);
  });

  it('STOP suppresses the number before any send fails, in each tenant that texted it and in no other', async () => {
    const phone = uniquePhone();
    const elsewhere = uniquePhone();
    const a = await shippingTenant();
    const b = randomUUID();
    const c = await shippingTenant();
    await a.settled((await a.trigger(phone)).id, 'sent');
    await seedSentMessage(t.pool, { tenantId: b, channel: 'sms', address: phone, until: 'scheduled' });
    await seedSuppressions(t.pool, b, [{ channel: 'sms', address: phone, reason: 'complained' }]);
    await c.settled((await c.trigger(elsewhere)).id, 'sent');

    expect(await reply(phone, 'STOP')).toEqual(TWIML);
    expect(await reply(phone, 'stop')).toEqual(TWIML);

    expect(await tenantSuppressions(t.pool, a.tenantId)).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: null },
    ]);
    expect(await tenantSuppressions(t.pool, b)).toEqual([
      { channel: 'sms', address: phone, reason: 'complained', message_id: null },
    ]);
    expect(await tenantSuppressions(t.pool, c.tenantId)).toEqual([]);
    expect(await a.trigger(phone)).toMatchObject({ status: 'suppressed', reason: 'unsubscribed' });
    // C never texted the number, so its trigger is planned; Twilio's block of the shared number
    // refuses the send (21610), which then suppresses the number for C as before.
    const first = await c.trigger(phone);
    expect(first).toMatchObject({ status: 'scheduled' });
    await c.settled(first.id, 'failed');
    expect(sentTo(phone)).toBe(1);
  });

  it("follows Advanced Opt-Out's OptOutType: a Messaging Service's own keywords opt out and in", async () => {
    const phone = uniquePhone();
    const tenantId = randomUUID();
    await seedSentMessage(t.pool, { tenantId, channel: 'sms', address: phone });
    const advancedOptOut = { keywords: { STOP: ['ARRET'], START: ['COMMENCER'] } };
    const send = (body: string) => fake.reply({ from: phone, to: PLATFORM_NUMBER, body, url, advancedOptOut });

    expect(await send('arret')).toEqual(TWIML);
    expect(await tenantSuppressions(t.pool, tenantId)).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: null },
    ]);
    expect(await send('COMMENCER')).toEqual(TWIML);
    expect(await tenantSuppressions(t.pool, tenantId)).toEqual([]);
  });

  it('a STOP texted to another number of the account changes nothing: our number still sends', async () => {
    const phone = uniquePhone();
    const a = await shippingTenant();
    await a.settled((await a.trigger(phone)).id, 'sent');

    expect(await fake.reply({ from: phone, to: '+15005550009', body: 'STOP', url })).toEqual(TWIML);

    expect(await tenantSuppressions(t.pool, a.tenantId)).toEqual([]);
    const next = await a.trigger(phone);
    expect(next).toMatchObject({ status: 'scheduled' });
    await a.settled(next.id, 'sent');
    expect(sentTo(phone)).toBe(2);
  });

  it('HELP, INFO and other messages change nothing', async () => {
    const phone = uniquePhone();
    const suppressed = randomUUID();
    const open = randomUUID();
    for (const tenantId of [suppressed, open])
      await seedSentMessage(t.pool, { tenantId, channel: 'sms', address: phone });
    await seedSuppressions(t.pool, suppressed, [{ channel: 'sms', address: phone, reason: 'unsubscribed' }]);

    for (const body of ['HELP', 'info', 'stop please', 'Start tomorrow', 'Thanks!', ''])
      expect(await reply(phone, body), body).toEqual(TWIML);
    const help = await fake.reply({ from: phone, to: PLATFORM_NUMBER, body: 'HELP', url, advancedOptOut: {} });
    expect(help).toEqual(TWIML);

    expect(await tenantSuppressions(t.pool, suppressed)).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: null },
    ]);
    expect(await tenantSuppressions(t.pool, open)).toEqual([]);
  });

  it('refuses a wrong, missing or tampered signature with 401 and changes nothing', async () => {
    const phone = uniquePhone();
    const tenantId = randomUUID();
    await seedSentMessage(t.pool, { tenantId, channel: 'sms', address: phone });
    const params = {
      From: phone,
      To: PLATFORM_NUMBER,
      Body: 'STOP',
      MessageSid: `SM${randomUUID().replaceAll('-', '')}`,
    };
    const post = (signature: string | null, body: Record<string, string> = params) =>
      t.app.inject({
        method: 'POST',
        url: SMS_INBOUND_PATH,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature !== null && { 'x-twilio-signature': signature }),
        },
        payload: new URLSearchParams(body).toString(),
      });
    const refused = [
      await post(twilioSignature('not-the-auth-token', url, params)),
      await post(twilioSignature(fake.authToken, `${url}?tenantId=${tenantId}`, params)),
      await post(twilioSignature(fake.authToken, url, { ...params, Body: 'HELP' })),
      await post(null),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    }
    expect(await tenantSuppressions(t.pool, tenantId)).toEqual([]);

    const signed = await post(twilioSignature(fake.authToken, url, params));
    expect(signed.statusCode).toBe(200);
    expect(await tenantSuppressions(t.pool, tenantId)).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: null },
    ]);
  });

  it('answers 404 when SMS is not configured', async () => {
    const bare = await startTestApp({}, { features: [twilioInboundFeature] });
    try {
      const res = await bare.app.inject({
        method: 'POST',
        url: SMS_INBOUND_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' },
        payload: 'From=%2B15550000000&Body=STOP',
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'NOT_FOUND' });
    } finally {
      await bare.close();
    }
  });

  it('is documented as a public callback answering TwiML, with its errors', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(await openApiProblems(document)).toEqual([]);
    const operation = document.paths[SMS_INBOUND_PATH].post;
    expect(operation).toMatchObject({ operationId: 'receiveTwilioInboundSms', tags: ['callbacks'], security: [] });
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '404', '413', '415']);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/xml']);
    expect(Object.keys(operation.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
  });
});
