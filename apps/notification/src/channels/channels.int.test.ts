import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config.ts';
import type { Destination, OutgoingMessage } from './channel.ts';
import { closeChannels, createChannels } from './channels.ts';
import { startFakeTwilio, type FakeTwilio } from './testing/fake-twilio.ts';
import { startPushService, type PushService } from './testing/push-service.ts';
import { startAcceptingSmtp, type AcceptingSmtp } from './testing/smtp-servers.ts';

let outbound: OutboundHttp;
let smtp: AcceptingSmtp;
let twilio: FakeTwilio;
let pushService: PushService;

beforeAll(async () => {
  outbound = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
  [smtp, twilio, pushService] = await Promise.all([startAcceptingSmtp(), startFakeTwilio(), startPushService()]);
});
afterAll(async () => {
  await Promise.allSettled([smtp.close(), twilio.close(), pushService.close(), outbound.close()]);
});

const message = (destination: Destination): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId: randomUUID(),
  destination,
  subject: 'Hello',
  body: 'Hi there',
});

describe('createChannels', () => {
  it('builds the four channels from the configuration', async () => {
    const vapid = webpush.generateVAPIDKeys();
    const config = configSchema.parse({
      SMTP_URLS: `relay=${smtp.url}`,
      SMTP_POOL_SIZE: '2',
      TWILIO_BASE_URL: twilio.baseUrl,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM: '+15005550006',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
    });
    const channels = createChannels(config, { outbound });
    const subscription = pushService.subscribe();
    try {
      const results = await Promise.all([
        channels.email.send(message({ channel: 'email', address: 'ada@example.com' })),
        channels.sms.send(message({ channel: 'sms', phone: '+14155550100' })),
        channels.push.send(message({ channel: 'push', subscriptions: [subscription] })),
        channels.in_app.send(message({ channel: 'in_app', userId: randomUUID() })),
      ]);
      expect(results.map((result) => [result.status, result.attempts.at(-1)!.provider])).toEqual([
        ['sent', 'relay'],
        ['sent', 'twilio'],
        ['sent', new URL(subscription.endpoint).host],
        ['sent', 'inbox'],
      ]);
      expect(Object.entries(channels).map(([name, channel]) => [name, channel.channel])).toEqual([
        ['email', 'email'],
        ['sms', 'sms'],
        ['push', 'push'],
        ['in_app', 'in_app'],
      ]);
      expect(await smtp.waitFor(1)).toHaveLength(1);
      expect(twilio.messages).toHaveLength(1);
      expect(pushService.received).toHaveLength(1);
      expect(smtp.connections.open).toBe(1);
    } finally {
      await closeChannels(channels);
    }
    // The pooled SMTP connection is closed (QUIT), not left to its idle timeout.
    for (let waited = 0; smtp.connections.open > 0 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(smtp.connections.open).toBe(0);
  });

  it('answers SMS and push with a permanent failure naming the missing variables', async () => {
    // Partly configured is not configured: no sender number, no private key.
    const partial = configSchema.parse({
      SMTP_URLS: smtp.url,
      TWILIO_BASE_URL: twilio.baseUrl,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      VAPID_PUBLIC_KEY: webpush.generateVAPIDKeys().publicKey,
    });
    const channels = createChannels(partial, { outbound });
    const smsBefore = twilio.messages.length;
    try {
      expect(await channels.sms.send(message({ channel: 'sms', phone: '+14155550100' }))).toMatchObject({
        status: 'permanent_failure',
        attempts: [
          {
            provider: 'none',
            outcome: 'permanent',
            response: 'SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)',
          },
        ],
      });
      expect(
        await channels.push.send(message({ channel: 'push', subscriptions: [pushService.subscribe()] })),
      ).toMatchObject({
        status: 'permanent_failure',
        attempts: [{ provider: 'none', response: 'Push is not configured (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)' }],
      });
      expect(twilio.messages).toHaveLength(smsBefore);
    } finally {
      await closeChannels(channels);
    }
  });
});
