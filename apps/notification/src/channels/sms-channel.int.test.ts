import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './channel.ts';
import { classifyTwilioAnswer, createSmsChannel, type SmsChannelOptions } from './sms-channel.ts';
import { closedPort } from './testing/smtp-servers.ts';
import { startFakeTwilio, type FakeTwilio } from './testing/fake-twilio.ts';
import { verifyTwilioSignature } from './twilio-signature.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function twilio(): Promise<FakeTwilio> {
  const fake = await startFakeTwilio();
  cleanup.push(() => fake.close());
  return fake;
}

function outbound(allowedCidrs = ['127.0.0.0/8']): OutboundHttp {
  const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs }), connectTimeoutMs: 2_000 });
  cleanup.push(() => http.close());
  return http;
}

function channel(
  fake: Pick<FakeTwilio, 'baseUrl' | 'accountSid' | 'authToken'>,
  options: Partial<SmsChannelOptions> = {},
) {
  return createSmsChannel({
    accounts: [{ name: 'twilio', ...fake, from: '+15005550006' }],
    outbound: outbound(),
    ...options,
  });
}

const sms = (phone = '+14155550100', overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId: randomUUID(),
  destination: { channel: 'sms', phone },
  subject: null,
  body: 'Your code is 123456',
  ...overrides,
});

describe('SMS channel over the Twilio Messages API', () => {
  it('posts To, From, Body and StatusCallback with Basic auth and records the message sid', async () => {
    const fake = await twilio();
    const result = await channel(fake).send(sms('+14155550100', { statusCallbackUrl: 'https://app.test/cb/sms' }));

    expect(result.status).toBe('sent');
    expect(fake.messages).toEqual([
      {
        sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
        to: '+14155550100',
        from: '+15005550006',
        body: 'Your code is 123456',
        statusCallback: 'https://app.test/cb/sms',
        status: 'queued',
      },
    ]);
    expect(result.attempts).toEqual([
      expect.objectContaining({
        provider: 'twilio',
        outcome: 'accepted',
        providerMessageId: fake.messages[0]!.sid,
        response: expect.stringMatching(/^201 \{/),
      }),
    ]);
  });

  it('fails permanently on an invalid or missing To (21211, 21604)', async () => {
    const fake = await twilio();
    const send = channel(fake);
    const invalid = await send.send(sms('555-0100'));
    expect(invalid).toMatchObject({ status: 'permanent_failure', attempts: [{ outcome: 'permanent' }] });
    expect(JSON.parse(invalid.attempts[0]!.response.slice(4))).toMatchObject({ code: 21211, status: 400 });

    const missing = await send.send(sms(''));
    expect(missing.status).toBe('permanent_failure');
    expect(JSON.parse(missing.attempts[0]!.response.slice(4))).toMatchObject({ code: 21604 });
    expect(fake.messages).toHaveLength(0);
  });

  it('fails permanently with the unsubscribed mark when the recipient replied STOP (21610)', async () => {
    const fake = await twilio();
    fake.optOut('+14155550123');
    const result = await channel(fake).send(sms('+14155550123'));
    expect(result).toMatchObject({
      status: 'permanent_failure',
      attempts: [{ provider: 'twilio', outcome: 'permanent', unsubscribed: true }],
    });
    expect(result.attempts[0]!.response).toMatch(/^400 .*"code":21610/);
    expect(fake.messages).toHaveLength(0);
  });

  it('fails transiently on wrong credentials (401)', async () => {
    const fake = await twilio();
    const result = await channel({ ...fake, authToken: 'not-the-token' }).send(sms());
    expect(result).toMatchObject({ status: 'transient_failure', attempts: [{ outcome: 'transient' }] });
    expect(result.attempts[0]!.response).toMatch(/^401 .*"code":20003/);
  });

  it('fails transiently on 500 and 429, then sends once the service answers again', async () => {
    const fake = await twilio();
    const send = channel(fake);
    fake.failNext(1, 500);
    fake.failNext(1, 429);
    expect((await send.send(sms())).attempts[0]).toMatchObject({ outcome: 'transient', response: /^500 / });
    expect((await send.send(sms())).attempts[0]).toMatchObject({ outcome: 'transient', response: /^429 / });
    expect((await send.send(sms())).status).toBe('sent');
    expect(fake.messages).toHaveLength(1);
  });

  it('falls over to the next account and opens the breaker of the failing one', async () => {
    const primary = await twilio();
    const secondary = await twilio();
    primary.failNext(10, 503);
    const send = createSmsChannel({
      accounts: [
        { name: 'primary', ...primary, from: '+15005550006' },
        { name: 'secondary', ...secondary, from: '+15005550007' },
      ],
      outbound: outbound(),
      breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 },
    });
    for (let i = 0; i < 2; i += 1)
      expect((await send.send(sms())).attempts.map((attempt) => attempt.outcome)).toEqual(['transient', 'accepted']);
    const result = await send.send(sms());
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ['primary', 'breaker_open'],
      ['secondary', 'accepted'],
    ]);
    expect(primary.requests).toBe(2);
    expect(secondary.messages.map((message) => message.from)).toEqual(['+15005550007', '+15005550007', '+15005550007']);
  });

  it('fails transiently when the API cannot be reached', async () => {
    const result = await channel({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      accountSid: 'AC1',
      authToken: 'x',
    }).send(sms());
    expect(result).toMatchObject({ status: 'transient_failure', attempts: [{ outcome: 'transient' }] });
    expect(result.attempts[0]!.response).toMatch(/ECONNREFUSED/);
  });

  it('calls through the outbound helper: an address outside its policy is never connected to', async () => {
    const fake = await twilio();
    const result = await channel(fake, { outbound: outbound([]) }).send(sms());
    expect(result).toMatchObject({ status: 'transient_failure', attempts: [{ outcome: 'transient' }] });
    expect(result.attempts[0]!.response).toMatch(/OUTBOUND_ADDRESS_REFUSED|loopback/);
    expect(fake.requests).toBe(0);
  });

  it('receives a signed status callback that verifyTwilioSignature accepts, and refuses it tampered', async () => {
    const fake = await twilio();
    const received: { url: string; params: Record<string, string>; signature: string | undefined }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          url: `http://127.0.0.1:${port}${req.url}`,
          params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString())),
          signature: req.headers['x-twilio-signature'] as string | undefined,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const { port } = receiver.address() as { port: number };

    const callbackUrl = `http://127.0.0.1:${port}/api/v1/notifications/callbacks/sms?m=1`;
    const result = await channel(fake).send(sms('+14155550100', { statusCallbackUrl: callbackUrl }));
    expect(await fake.deliverAll()).toEqual([204]);
    expect(await fake.deliverAll()).toEqual([]);

    expect(received).toHaveLength(1);
    const [callback] = received;
    expect(callback!.params).toMatchObject({
      MessageSid: result.attempts[0]!.providerMessageId,
      MessageStatus: 'delivered',
      To: '+14155550100',
      AccountSid: fake.accountSid,
    });
    expect(verifyTwilioSignature({ authToken: fake.authToken, ...callback! })).toBe(true);
    expect(
      verifyTwilioSignature({
        authToken: fake.authToken,
        ...callback!,
        params: { ...callback!.params, MessageStatus: 'failed' },
      }),
    ).toBe(false);
  });
});

describe('classifyTwilioAnswer', () => {
  it('treats a 400 about the sender configuration as transient, other 400s as permanent', () => {
    const error = (code: number) => JSON.stringify({ code, message: 'x', more_info: '', status: 400 });
    expect(classifyTwilioAnswer(400, error(21212)).outcome).toBe('transient');
    expect(classifyTwilioAnswer(400, error(21610)).outcome).toBe('permanent');
    expect(classifyTwilioAnswer(400, 'not json').outcome).toBe('permanent');
  });

  it('marks a 21610 refusal (the recipient replied STOP) unsubscribed, and no other 400', () => {
    const error = (code: number, message: string) =>
      JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
    const stopped = error(21610, 'Attempt to send to unsubscribed recipient');
    expect(classifyTwilioAnswer(400, stopped)).toEqual({
      outcome: 'permanent',
      providerMessageId: null,
      response: `400 ${stopped}`,
      unsubscribed: true,
    });
    for (const other of [error(21211, 'invalid To'), error(21617, 'too long'), 'not json'])
      expect(classifyTwilioAnswer(400, other)).toEqual({
        outcome: 'permanent',
        providerMessageId: null,
        response: `400 ${other}`,
      });
    expect(classifyTwilioAnswer(500, JSON.stringify({ code: 21610, message: 'x' }))).not.toHaveProperty('unsubscribed');
  });

  it('does not take a 2xx without a message sid for an accepted message', () => {
    expect(classifyTwilioAnswer(200, '<html>proxy</html>')).toEqual({
      outcome: 'transient',
      providerMessageId: null,
      response: '200 <html>proxy</html>',
    });
  });
});
