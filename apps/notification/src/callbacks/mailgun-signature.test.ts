import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isFreshTimestamp, mailgunSignature, verifyMailgunSignature } from './mailgun-signature.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const seconds = (offsetMs: number) => String((NOW.getTime() + offsetMs) / 1000);

describe('Mailgun webhook signature', () => {
  it("is the hex HMAC-SHA256 of timestamp + token under the signing key (Mailgun's documented scheme)", () => {
    const expected = createHmac('sha256', 'key-1').update('1700000000abc').digest('hex');
    expect(mailgunSignature('key-1', '1700000000', 'abc')).toBe(expected);
  });

  it('verifies the right signature, in either case, and refuses any change', () => {
    const signed = { timestamp: '1700000000', token: 'abc', signature: mailgunSignature('key-1', '1700000000', 'abc') };
    expect(verifyMailgunSignature('key-1', signed)).toBe(true);
    expect(verifyMailgunSignature('key-1', { ...signed, signature: signed.signature.toUpperCase() })).toBe(true);
    expect(verifyMailgunSignature('key-2', signed)).toBe(false);
    expect(verifyMailgunSignature('key-1', { ...signed, token: 'abd' })).toBe(false);
    expect(verifyMailgunSignature('key-1', { ...signed, timestamp: '1700000001' })).toBe(false);
    expect(verifyMailgunSignature('key-1', { ...signed, signature: signed.signature.slice(1) })).toBe(false);
  });

  it('takes timestamps up to five minutes old and at most a minute ahead', () => {
    expect(isFreshTimestamp(seconds(0), NOW)).toBe(true);
    expect(isFreshTimestamp(seconds(-300_000), NOW)).toBe(true);
    expect(isFreshTimestamp(seconds(-301_000), NOW)).toBe(false);
    expect(isFreshTimestamp(seconds(60_000), NOW)).toBe(true);
    expect(isFreshTimestamp(seconds(61_000), NOW)).toBe(false);
    for (const bad of ['', '-1', '1e9', '17000000.5', 'now']) expect(isFreshTimestamp(bad, NOW)).toBe(false);
  });
});
