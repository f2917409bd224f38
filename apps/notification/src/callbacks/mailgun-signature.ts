import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `signature` object of a Mailgun webhook. */
export interface MailgunSignature {
  /** Seconds since the epoch, as text. */
  timestamp: string;
  /** A random string, new for every webhook request. */
  token: string;
  /** Hex HMAC-SHA256 of timestamp + token under the webhook signing key. */
  signature: string;
}

/** How old a signed webhook may be, and how far ahead of our clock its timestamp may run. */
export const MAX_WEBHOOK_AGE_MS = 5 * 60_000;
export const MAX_CLOCK_SKEW_MS = 60_000;

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey)
    .update(timestamp + token, 'utf8')
    .digest('hex');
}

/** Whether the provider signed `timestamp + token` with `signingKey`; compared in constant time. */
export function verifyMailgunSignature(signingKey: string, signed: MailgunSignature): boolean {
  const expected = Buffer.from(mailgunSignature(signingKey, signed.timestamp, signed.token));
  const given = Buffer.from(signed.signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a webhook signed at `timestamp` (epoch seconds) is recent enough to act on at `now`. */
export function isFreshTimestamp(timestamp: string, now: Date): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const age = now.getTime() - Number(timestamp) * 1000;
  return age <= MAX_WEBHOOK_AGE_MS && age >= -MAX_CLOCK_SKEW_MS;
}
