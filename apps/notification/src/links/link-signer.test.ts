import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LinkPayload } from './link-payload.ts';
import { linkTokenKeyId, signLinkToken, unsubscribeUrl, verifyLinkToken } from './link-signer.ts';

const secret = Buffer.alloc(32, 7);
const payload: LinkPayload = {
  t: 'unsub',
  tenantId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b',
  userId: '0192f5a4-2c3d-7e4f-8a50-617283940a1c',
  channel: 'email',
  category: 'marketing',
};
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same text with character `at` replaced by the one whose 6-bit value differs in bit `bit`. */
const flipBit = (text: string, at: number, bit = 0) =>
  text.slice(0, at) + BASE64URL[BASE64URL.indexOf(text[at]!) ^ (1 << bit)]! + text.slice(at + 1);

describe('link tokens', () => {
  it('are base64url(JSON payload).keyId.base64url(HMAC-SHA256 of both), verifiable with the key', () => {
    const token = signLinkToken(payload, 3, secret);
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    const hmac = createHmac('sha256', secret).update(`${body}.3`).digest('base64url');
    expect(token).toBe(`${body}.3.${hmac}`);
    expect(linkTokenKeyId(token)).toBe(3);
    expect(verifyLinkToken(token, secret)).toEqual(payload);
  });

  it('refuse another key, a changed payload, key id or signature, and malformed tokens', () => {
    const token = signLinkToken(payload, 3, secret);
    const [body, , signature] = token.split('.') as [string, string, string];
    const other = Buffer.from(JSON.stringify({ ...payload, category: 'billing' })).toString('base64url');
    expect(verifyLinkToken(token, randomBytes(32))).toBeNull();
    for (const forged of [
      `${other}.3.${signature}`,
      `${flipBit(body, 5)}.3.${signature}`,
      `${body}.4.${signature}`,
      `${body}.3.${flipBit(signature, 10)}`,
      // The last character's two lowest bits are padding: this spelling decodes to the same bytes.
      `${body}.3.${flipBit(signature, signature.length - 1)}`,
      `${body}.3`,
      `${body}.03.${signature}`,
      `${body}.3.${signature}=`,
      'not-a-token',
      '',
    ]) {
      expect(verifyLinkToken(forged, secret), forged).toBeNull();
    }
    expect(linkTokenKeyId('x.0.y')).toBeNull();
  });

  it('refuse to sign what verify would refuse', () => {
    expect(() => signLinkToken({ ...payload, category: 'Not A Category' }, 1, secret)).toThrow();
    expect(() => signLinkToken({ ...payload, userId: undefined }, 1, secret)).toThrow();
  });

  it('a signed payload of another schema (a verified but unknown kind) verifies to null', () => {
    const body = Buffer.from(JSON.stringify({ t: 'reset', tenantId: payload.tenantId })).toString('base64url');
    const token = `${body}.1.${createHmac('sha256', secret).update(`${body}.1`).digest('base64url')}`;
    expect(verifyLinkToken(token, secret)).toBeNull();
  });
});

describe('unsubscribeUrl', () => {
  it('is the public unsubscribe route under the base URL, with or without a trailing slash', () => {
    expect(unsubscribeUrl('https://api.example.com/', 'a.1.b')).toBe(
      'https://api.example.com/api/v1/notifications/unsubscribe/a.1.b',
    );
    expect(unsubscribeUrl('https://example.com/gw', 'a.1.b')).toBe(
      'https://example.com/gw/api/v1/notifications/unsubscribe/a.1.b',
    );
  });
});
