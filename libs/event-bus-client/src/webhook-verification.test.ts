import { describe, expect, it } from 'vitest';
import {
  verifyWebhook,
  webhookSignature,
  WebhookVerificationError,
  type VerifyWebhookInput,
} from './webhook-verification.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const event = {
  id: '019a9c4e-7a10-7000-8000-000000000001',
  type: 'lead.created',
  schemaVersion: 1,
  tenantId: '7f1c2b9e-0000-4000-8000-000000000001',
  aggregateType: 'lead',
  aggregateId: '7f1c2b9e-0000-4000-8000-000000000002',
  aggregateVersion: 1,
  occurredAt: '2030-01-01T00:00:00.000Z',
  correlationId: 'req-1',
  causationId: null,
  actor: { type: 'system', id: 'crm' },
  data: { source: 'website_form' },
};
const now = new Date('2030-01-01T00:00:10Z');
const timestamp = Math.floor(now.getTime() / 1000);

function signed(overrides: Partial<VerifyWebhookInput> = {}): VerifyWebhookInput {
  const body = JSON.stringify(event);
  return {
    secret,
    body,
    now,
    headers: {
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(secret, event.id, timestamp, body),
    },
    ...overrides,
  };
}

const failure = (input: VerifyWebhookInput) => {
  try {
    verifyWebhook(input);
  } catch (error) {
    return error instanceof WebhookVerificationError ? error.reason : error;
  }
  return 'verified';
};

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs the specification test vector', () => {
    expect(webhookSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
    expect(
      webhookSignature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, Buffer.from('{"test": 2432232314}')),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('returns the event of a correctly signed delivery, from Node headers, a Buffer body or fetch Headers', () => {
    expect(verifyWebhook(signed())).toEqual(event);
    expect(verifyWebhook(signed({ body: Buffer.from(JSON.stringify(event)) }))).toEqual(event);
    const { headers } = signed();
    expect(verifyWebhook(signed({ headers: new Headers(headers as Record<string, string>) }))).toEqual(event);
  });

  it('accepts any of several signatures (secret rotation)', () => {
    const input = signed();
    const headers = {
      ...input.headers,
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${(input.headers as Record<string, string>)['webhook-signature']}`,
    };
    expect(verifyWebhook({ ...input, headers })).toEqual(event);
  });

  it('rejects a changed body, another secret, a stale or future timestamp, missing headers and a body that is not the event', () => {
    const input = signed();
    const headers = input.headers as Record<string, string>;
    expect(failure({ ...input, body: JSON.stringify({ ...event, data: { source: 'forged' } }) })).toBe(
      'INVALID_SIGNATURE',
    );
    expect(failure({ ...input, secret: `whsec_${Buffer.from('another secret').toString('base64')}` })).toBe(
      'INVALID_SIGNATURE',
    );
    expect(failure({ ...input, now: new Date(now.getTime() + 301_000) })).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(failure({ ...input, now: new Date(now.getTime() - 301_000) })).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(failure({ ...input, now: new Date(now.getTime() + 300_000) })).toBe('verified');
    expect(failure({ ...input, headers: { ...headers, 'webhook-timestamp': '1e9' } })).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    expect(failure({ ...input, headers: { 'webhook-id': event.id, 'webhook-timestamp': String(timestamp) } })).toBe(
      'MISSING_HEADERS',
    );
    const other = '019a9c4e-7a10-7000-8000-000000000002';
    const reSigned = {
      ...headers,
      'webhook-id': other,
      'webhook-signature': webhookSignature(secret, other, timestamp, input.body),
    };
    expect(failure({ ...input, headers: reSigned })).toBe('INVALID_PAYLOAD');
    const vector = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    expect(failure({ secret, headers: vector, body: '{"test": 2432232314}', now: new Date(1614265330_000) })).toBe(
      'INVALID_PAYLOAD',
    );
  });
});
