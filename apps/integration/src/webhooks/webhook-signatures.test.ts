import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import { hubspotSignedUri, verifyStripeSignature, type SignedRequest } from './webhook-signatures.ts';

describe('hubspotSignedUri', () => {
  it('decodes the twelve characters HubSpot decodes, in either case, and keeps every other escape', () => {
    expect(hubspotSignedUri('https://h.test/a?x=%3a%2F%3F%40%21%24%27%28%29%2a%2C%3B&y=%20%25%26%3D')).toBe(
      "https://h.test/a?x=:/?@!$'()*,;&y=%20%25%26%3D",
    );
  });

  it('decodes once: an escaped percent sign stays escaped', () => {
    expect(hubspotSignedUri('https://h.test/a?x=%253A')).toBe('https://h.test/a?x=%253A');
  });
});

describe('verifyStripeSignature', () => {
  const body = Buffer.from('{"id":"evt_1","type":"invoice.paid"}');
  const now = new Date('2026-12-07T10:00:00.000Z');
  const t = now.getTime() / 1000;
  const v1 = (secret: string) => createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex');
  const request = (signature: string): SignedRequest => ({
    method: 'POST',
    url: 'https://h.test/api/v1/webhooks/stripe/x',
    headers: { 'stripe-signature': signature },
    rawBody: body,
  });

  it('takes the pairs in any order, with other schemes (v0) beside them', () => {
    expect(() =>
      verifyStripeSignature(request(`v0=${'0'.repeat(64)}, v1=${v1('whsec_a')} ,t=${t}`), 'whsec_a', now, 300),
    ).not.toThrow();
  });

  it.each([
    ['a v0 signature alone', `t=${t},v0=${v1('whsec_a')}`],
    ['a truncated v1', `t=${t},v1=${v1('whsec_a').slice(0, 63)}`],
    ['no timestamp', `v1=${v1('whsec_a')}`],
    ['a timestamp that is not a number', `t=${t}x,v1=${v1('whsec_a')}`],
    ['an empty header', ''],
  ])('refuses %s', (_case, signature) => {
    expect(() => verifyStripeSignature(request(signature), 'whsec_a', now, 300)).toThrow(UnauthenticatedError);
  });
});
