import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startTestApp, type TestApp } from '../test-support.ts';
import { callbacksFeature } from './callbacks-feature.ts';
import { messageRecord, seedSentMessage } from './callbacks-test-fixtures.ts';
import { mailgunSignature } from './mailgun-signature.ts';

const KEY = randomBytes(24).toString('hex');
const URL_OF = (provider = 'mailgun') => `/api/v1/notifications/callbacks/email/${provider}`;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(
    {},
    { features: [callbacksFeature({ emailWebhookSigningKeys: new Map([['mailgun', KEY]]) })] },
  );
});
afterAll(async () => {
  await t?.close();
});

interface Webhook {
  event: Record<string, unknown>;
  target: { tenantId: string; messageId: string };
  /** Seconds from now the signature is dated (negative: in the past). */
  age?: number;
  key?: string;
  token?: string;
}

/** A Mailgun webhook body, signed as Mailgun signs it. */
function webhook({ event, target, age = 0, key = KEY, token = randomBytes(25).toString('hex') }: Webhook) {
  const timestamp = String(Math.floor(Date.now() / 1000) + age);
  return {
    signature: { timestamp, token, signature: mailgunSignature(key, timestamp, token) },
    'event-data': {
      id: randomBytes(8).toString('hex'),
      timestamp: Number(timestamp) + 0.5,
      'log-level': 'error',
      'user-variables': target,
      message: { headers: { 'message-id': `${target.messageId}@bizosaas` } },
      ...event,
    },
  };
}

const post = (payload: unknown, provider = 'mailgun') =>
  t.app.inject({ method: 'POST', url: URL_OF(provider), payload: payload as Record<string, unknown> });

const hardBounce = (recipient: string) => ({
  event: 'failed',
  severity: 'permanent',
  reason: 'bounce',
  recipient,
  'delivery-status': { code: 550, message: '5.1.1 The email account does not exist', description: '' },
});

async function sentEmail(address = `ada.${randomUUID().slice(0, 8)}@example.com`) {
  const tenantId = randomUUID();
  const message = await seedSentMessage(t.pool, { tenantId, channel: 'email', address });
  return { tenantId, messageId: message.id, address };
}

describe('email provider webhook (Mailgun wire format)', () => {
  it('a signed permanent failure bounces the message and suppresses the address for the tenant', async () => {
    const target = await sentEmail();
    const res = await post(webhook({ event: hardBounce(target.address.toUpperCase()), target }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, known: true, recorded: ['notification.bounced'] });

    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types).toEqual([
      'notification.requested',
      'notification.scheduled',
      'notification.sent',
      'notification.bounced',
    ]);
    expect(record.events.at(-1)?.data).toMatchObject({
      provider: 'mailgun',
      bounceType: 'hard',
      diagnostic: '550 5.1.1 The email account does not exist',
    });
    expect(record).toMatchObject({ status: 'bounced', statusReason: 'hard' });
    expect(record.suppressions).toEqual([
      { channel: 'email', address: target.address, reason: 'bounced', message_id: target.messageId },
    ]);
    expect(record.callbacks).toEqual([
      {
        provider: 'mailgun',
        kind: 'bounced',
        payload: expect.objectContaining({ event: 'failed', severity: 'permanent', 'user-variables': target }),
      },
    ]);
  });

  it('refuses a wrong signature, a key of another provider and an unknown provider; nothing changes', async () => {
    const target = await sentEmail();
    const before = await messageRecord(t.pool, target.tenantId, target.messageId);
    const forged = webhook({ event: hardBounce(target.address), target });
    forged.signature.signature = mailgunSignature(KEY, forged.signature.timestamp, `${forged.signature.token}x`);
    const wrong = await post(forged);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    const otherKey = await post(webhook({ event: hardBounce(target.address), target, key: 'another-key' }));
    expect(otherKey.statusCode).toBe(401);
    const unknown = await post(webhook({ event: hardBounce(target.address), target }), 'sendgrid');
    expect(unknown.statusCode).toBe(404);
    expect(await messageRecord(t.pool, target.tenantId, target.messageId)).toEqual(before);
    expect(before.suppressions).toEqual([]);
    expect(before.callbacks).toEqual([]);
  });

  it('refuses a token received before (replay), even with other event data', async () => {
    const target = await sentEmail();
    const first = webhook({ event: { event: 'delivered', recipient: target.address }, target });
    expect((await post(first)).statusCode).toBe(200);
    const replay = await post({ ...first, 'event-data': { ...first['event-data'], ...hardBounce(target.address) } });
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ error: 'CONFLICT' });
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types.at(-1)).toBe('notification.delivered');
    expect(record.callbacks.map((callback) => callback.kind)).toEqual(['delivered']);
    expect(record.suppressions).toEqual([]);
  });

  it('gives the token back when the record fails, so that the provider retry is processed', async () => {
    const target = await sentEmail();
    const first = webhook({ event: hardBounce(target.address), target });
    // PostgreSQL refuses a NUL character in jsonb: the transaction rolls back after the events.
    const failing = await post({ ...first, 'event-data': { ...first['event-data'], note: '\u0000' } });
    expect(failing.statusCode).toBe(500);
    expect(await messageRecord(t.pool, target.tenantId, target.messageId)).toMatchObject({
      status: 'sent',
      suppressions: [],
    });
    const retry = await post(first);
    expect(retry.statusCode).toBe(200);
    expect((await messageRecord(t.pool, target.tenantId, target.messageId)).status).toBe('bounced');
  });

  it('refuses a timestamp older than five minutes or ahead of the clock by more than the skew', async () => {
    const target = await sentEmail();
    for (const age of [-6 * 60, 5 * 60]) {
      const res = await post(webhook({ event: hardBounce(target.address), target, age }));
      expect(res.statusCode, `age ${age}`).toBe(401);
    }
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.status).toBe('sent');
    expect(record.callbacks).toEqual([]);
  });

  it('a complaint bounces the message as a complaint and suppresses the address as complained', async () => {
    const target = await sentEmail();
    const res = await post(webhook({ event: { event: 'complained', recipient: target.address }, target }));
    expect(res.json()).toMatchObject({ recorded: ['notification.bounced'] });
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.events.at(-1)?.data).toMatchObject({ provider: 'mailgun', bounceType: 'complaint' });
    expect(record).toMatchObject({ status: 'bounced', statusReason: 'complaint' });
    expect(record.suppressions).toMatchObject([{ address: target.address, reason: 'complained' }]);
    expect(record.callbacks.map((callback) => callback.kind)).toEqual(['complained']);
  });

  it('a bounce turns an earlier unsubscribe of the address into a bounce suppression', async () => {
    const target = await sentEmail();
    await withTransaction(
      t.pool,
      (client) =>
        client.query(
          `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, created_at) VALUES ($1, 'email', $2, 'unsubscribed', now())`,
          [target.tenantId, target.address],
        ),
      { tenantId: target.tenantId },
    );
    await post(webhook({ event: hardBounce(target.address), target }));
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.suppressions).toMatchObject([{ address: target.address, reason: 'bounced' }]);
  });

  it('delivered records the delivery at the provider time; a temporary failure is only a callback', async () => {
    const target = await sentEmail();
    const temporary = { event: 'failed', severity: 'temporary', recipient: target.address };
    expect((await post(webhook({ event: temporary, target }))).json()).toMatchObject({ known: true, recorded: [] });
    const delivered = webhook({ event: { event: 'delivered', recipient: target.address }, target });
    expect((await post(delivered)).json()).toMatchObject({ recorded: ['notification.delivered'] });

    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    const at = new Date(Number(delivered['event-data'].timestamp) * 1000).toISOString();
    expect(record.events.at(-1)).toEqual({ type: 'notification.delivered', data: { provider: 'mailgun', at } });
    expect(record).toMatchObject({ status: 'delivered', statusReason: null, suppressions: [] });
    expect(record.callbacks.map((callback) => callback.kind).sort()).toEqual(['delivered', 'failed']);
  });

  it('records provider opens and clicks; a repeated open adds no event', async () => {
    const target = await sentEmail();
    const opened = { event: 'opened', recipient: target.address };
    const clicked = { event: 'clicked', recipient: target.address, url: 'https://example.com/offer?a=1' };
    for (const event of [opened, opened, clicked])
      expect((await post(webhook({ event, target }))).statusCode).toBe(200);
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record.types.slice(3)).toEqual(['notification.opened', 'notification.clicked']);
    expect(record.events.at(-1)?.data).toMatchObject({ provider: 'mailgun', url: 'https://example.com/offer?a=1' });
    expect(record.callbacks).toHaveLength(3);
  });

  it('answers 200 and stores nothing for a message the tenant does not have', async () => {
    const target = await sentEmail();
    const elsewhere = { tenantId: randomUUID(), messageId: target.messageId };
    const res = await post(webhook({ event: hardBounce(target.address), target: elsewhere }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, known: false, recorded: [] });
    const record = await messageRecord(t.pool, target.tenantId, target.messageId);
    expect(record).toMatchObject({ status: 'sent', callbacks: [], suppressions: [] });
    const without = webhook({ event: hardBounce(target.address), target });
    delete (without['event-data'] as Record<string, unknown>)['user-variables'];
    expect((await post(without)).json()).toMatchObject({ known: false });
  });

  it('answers 400 naming the field when the signed event data is not a Mailgun event', async () => {
    const target = await sentEmail();
    const res = await post(webhook({ event: { event: 'delivered', recipient: 42 }, target }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'event-data.recipient' }] },
    });
  });
});
