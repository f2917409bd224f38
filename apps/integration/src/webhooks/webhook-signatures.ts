import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { UnauthenticatedError } from '@bizosaas/ddd-kernel';
import type { webhookScheme } from '../providers/provider.ts';

/** The schemes a webhook can arrive under (a provider with `none` takes no webhooks). */
export type SignedScheme = Exclude<z.output<typeof webhookScheme>, 'none'>;

/** What a signature is checked against: the request as the provider sent it. */
export interface SignedRequest {
  method: string;
  /** The URL the provider posted to: PUBLIC_BASE_URL, the path and the query as received. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body's bytes exactly as received (never a re-serialised parse). */
  rawBody: Buffer;
}

const header = (request: SignedRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** Constant-time equality of two digests (unequal lengths are unequal, without comparing). */
function sameDigest(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const wrongSignature = () => new UnauthenticatedError('The webhook signature is missing or wrong');
const staleTimestamp = () => new UnauthenticatedError('The webhook timestamp is outside the accepted window');

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, each v1 a hex HMAC-SHA256
 * of `<t>.<raw body>` under the endpoint's signing secret (whsec_..., used as it is). Several v1
 * values appear while a secret is rolled; one match is enough. A timestamp further than
 * `toleranceSeconds` from now, either way, is refused (a replay, or a clock far off).
 */
export function verifyStripeSignature(
  request: SignedRequest,
  secret: string,
  now: Date,
  toleranceSeconds: number,
): void {
  const value = header(request, 'stripe-signature');
  if (value === undefined) throw wrongSignature();
  const pairs = value.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? ['', ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  const timestamp = pairs.find(([key]) => key === 't')?.[1];
  const candidates = pairs.filter(([key, hex]) => key === 'v1' && /^[0-9a-f]{64}$/i.test(hex!)).map(([, hex]) => hex!);
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || candidates.length === 0) throw wrongSignature();
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(request.rawBody).digest();
  // Every candidate is compared, so the time taken does not say which one matched.
  const matches = candidates.map((hex) => sameDigest(expected, Buffer.from(hex, 'hex')));
  if (!matches.includes(true)) throw wrongSignature();
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) throw staleTimestamp();
}

// The characters HubSpot decodes in the request URI before it signs (its v3 documentation).
const HUBSPOT_DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as HubSpot signs it: those twelve escapes decoded (either case), every other one kept. */
export function hubspotSignedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => HUBSPOT_DECODED[escape.toUpperCase()]!);
}

/**
 * HubSpot v3: `X-HubSpot-Signature-v3` is base64(HMAC-SHA256(app client secret, method + URI +
 * raw body + timestamp)), `X-HubSpot-Request-Timestamp` in epoch milliseconds; a timestamp further
 * than `toleranceSeconds` (five minutes) from now is refused.
 */
export function verifyHubspotV3Signature(
  request: SignedRequest,
  clientSecret: string,
  now: Date,
  toleranceSeconds: number,
): void {
  const signature = header(request, 'x-hubspot-signature-v3');
  const timestamp = header(request, 'x-hubspot-request-timestamp');
  if (signature === undefined || timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) throw wrongSignature();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(signature)) throw wrongSignature();
  const expected = createHmac('sha256', clientSecret)
    .update(`${request.method.toUpperCase()}${hubspotSignedUri(request.url)}`)
    .update(request.rawBody)
    .update(timestamp)
    .digest();
  if (!sameDigest(expected, Buffer.from(signature, 'base64'))) throw wrongSignature();
  if (Math.abs(now.getTime() - Number(timestamp)) > toleranceSeconds * 1000) throw staleTimestamp();
}

/**
 * Meta (Graph API webhooks): `X-Hub-Signature-256: sha256=<hex>`, a hex HMAC-SHA256 of the raw
 * body under the app secret. Meta signs no timestamp, so nothing bounds a replay's age; the
 * event id derived from the body (webhook-payloads.ts) makes a replay a duplicate.
 */
export function verifyMetaSignature(request: SignedRequest, appSecret: string): void {
  const value = header(request, 'x-hub-signature-256');
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(value ?? '')?.[1];
  if (hex === undefined) throw wrongSignature();
  const expected = createHmac('sha256', appSecret).update(request.rawBody).digest();
  if (!sameDigest(expected, Buffer.from(hex, 'hex'))) throw wrongSignature();
}

/**
 * Throws UnauthenticatedError unless `request` carries a valid signature under `secret` by the
 * provider's scheme (and, where the scheme signs one, a timestamp within `toleranceSeconds`).
 */
export function verifyWebhook(
  scheme: SignedScheme,
  request: SignedRequest,
  secret: string,
  now: Date,
  toleranceSeconds: number,
): void {
  if (scheme === 'stripe') verifyStripeSignature(request, secret, now, toleranceSeconds);
  else if (scheme === 'hubspot_v3') verifyHubspotV3Signature(request, secret, now, toleranceSeconds);
  else verifyMetaSignature(request, secret);
}
