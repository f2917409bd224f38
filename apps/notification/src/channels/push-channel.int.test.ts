import { randomUUID } from 'node:crypto';
import webpush from 'web-push';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage, PushSubscriptionJson } from './channel.ts';
import { createPushChannel, type PushChannelOptions } from './push-channel.ts';
import { startPushService, type PushService } from './testing/push-service.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

const vapidKeys = webpush.generateVAPIDKeys();
const vapid = { subject: 'mailto:notifications@bizosaas.test', ...vapidKeys };

async function pushService(): Promise<PushService> {
  const service = await startPushService();
  cleanup.push(() => service.close());
  return service;
}

function outbound(allowedCidrs = ['127.0.0.0/8']): OutboundHttp {
  const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs }), connectTimeoutMs: 2_000 });
  cleanup.push(() => http.close());
  return http;
}

const channel = (options: Partial<PushChannelOptions> = {}) =>
  createPushChannel({ vapid, outbound: outbound(), ...options });

const push = (subscriptions: PushSubscriptionJson[]): OutgoingMessage => ({
  messageId: randomUUID(),
  tenantId: randomUUID(),
  destination: { channel: 'push', subscriptions },
  subject: 'Lead assigned',
  body: 'Ada Lovelace is yours now',
});

describe('push channel over Web Push', () => {
  it('sends an aes128gcm payload signed with VAPID and records the push service answer', async () => {
    const service = await pushService();
    const subscription = service.subscribe();
    const message = push([subscription]);
    const result = await channel({ ttlSeconds: 3_600 }).send(message);

    expect(service.refused).toEqual([]);
    expect(service.received).toHaveLength(1);
    const [received] = service.received;
    expect(JSON.parse(received!.payload)).toEqual({
      title: 'Lead assigned',
      body: 'Ada Lovelace is yours now',
      messageId: message.messageId,
    });
    expect(received!.vapidKey).toBe(vapidKeys.publicKey);
    expect(received!.ttl).toBe('3600');
    expect(result).toMatchObject({
      status: 'sent',
      attempts: [
        {
          provider: new URL(subscription.endpoint).host,
          outcome: 'accepted',
          providerMessageId: expect.stringMatching(/\/messages\//),
          response: expect.stringMatching(/^201/),
        },
      ],
    });
    expect(result.expiredEndpoints).toBeUndefined();
  });

  it('sends to every subscription: accepted if one accepts, the expired ones reported', async () => {
    const service = await pushService();
    const [gone, live, missing] = [service.subscribe(), service.subscribe(), service.subscribe()];
    service.answer(gone.id, 410);
    service.answer(missing.id, 404);
    const result = await channel().send(push([gone, live, missing]));

    expect(result.status).toBe('sent');
    expect(result.expiredEndpoints).toEqual([gone.endpoint, missing.endpoint]);
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['permanent', 'permanent', 'accepted']);
    expect(service.received.map((received) => received.subscriptionId)).toEqual([live.id]);
  });

  it('fails permanently when every subscription has expired', async () => {
    const service = await pushService();
    const [first, second] = [service.subscribe(), service.subscribe()];
    service.answer(first.id, 410);
    service.answer(second.id, 404);
    const result = await channel().send(push([first, second]));
    expect(result.status).toBe('permanent_failure');
    expect(result.expiredEndpoints).toEqual([first.endpoint, second.endpoint]);
  });

  it('fails transiently on 500 or 429, still reporting an expired subscription beside them', async () => {
    const service = await pushService();
    const [failing, throttled, gone] = [service.subscribe(), service.subscribe(), service.subscribe()];
    service.answer(failing.id, 500);
    service.answer(throttled.id, 429);
    service.answer(gone.id, 410);
    const result = await channel().send(push([failing, throttled, gone]));
    expect(result.status).toBe('transient_failure');
    expect(result.attempts.map((attempt) => attempt.outcome)).toEqual(['transient', 'transient', 'permanent']);
    expect(result.expiredEndpoints).toEqual([gone.endpoint]);
  });

  it('refuses an endpoint at the metadata address without a request, permanently', async () => {
    const service = await pushService();
    const { keys } = service.subscribe();
    const result = await channel().send(push([{ endpoint: 'http://169.254.169.254/latest/meta-data/', keys }]));
    expect(result).toMatchObject({
      status: 'permanent_failure',
      attempts: [{ provider: '169.254.169.254', outcome: 'permanent', response: /metadata/ }],
    });
    expect(result.expiredEndpoints).toBeUndefined();
  });

  it('never connects to an endpoint outside the outbound policy', async () => {
    const service = await pushService();
    const result = await channel({ outbound: outbound([]) }).send(push([service.subscribe()]));
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ response: /loopback/ }] });
    expect(service.requests).toBe(0);
  });

  it('keeps a breaker per push service: a failing one is skipped, another still receives', async () => {
    const failing = await pushService();
    const healthy = await pushService();
    const broken = failing.subscribe();
    failing.answer(broken.id, 503);
    const send = channel({ breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    for (let i = 0; i < 2; i += 1) await send.send(push([broken]));
    expect(failing.requests).toBe(2);

    const other = healthy.subscribe();
    const result = await send.send(push([broken, other]));
    expect(result.status).toBe('sent');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      [new URL(broken.endpoint).host, 'breaker_open'],
      [new URL(other.endpoint).host, 'accepted'],
    ]);
    expect(failing.requests).toBe(2);
    expect(healthy.received).toHaveLength(1);
  });

  it('fails permanently, without a request, for subscription keys that cannot encrypt', async () => {
    const service = await pushService();
    const subscription = service.subscribe();
    const result = await channel().send(push([{ ...subscription, keys: { p256dh: 'AAAA', auth: 'AAAA' } }]));
    expect(result).toMatchObject({ status: 'permanent_failure', attempts: [{ outcome: 'permanent' }] });
    expect(service.requests).toBe(0);
  });

  it('needs at least one subscription', async () => {
    const result = await channel().send(push([]));
    expect(result).toMatchObject({
      status: 'permanent_failure',
      attempts: [{ provider: 'none', response: 'the user has no push subscription' }],
    });
  });
});
