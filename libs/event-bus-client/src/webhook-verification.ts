import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import { envelopeSchema } from './response-schemas.ts';

export type WebhookFailure = 'MISSING_HEADERS' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'INVALID_SIGNATURE' | 'INVALID_PAYLOAD';

/** A delivery that must not be trusted; answer it with a 4xx and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Node's `request.headers`, a plain record, or a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookInput {
  /** The subscription's secret (`whsec_` + base64), returned once by subscribe. */
  secret: string;
  headers: WebhookHeaders;
  /** The raw request body, exactly as received (re-serialised JSON will not verify). */
  body: string | Buffer;
  /** Largest accepted distance between `webhook-timestamp` and now, either way. Default 300 s. */
  toleranceSeconds?: number;
  now?: Date;
}

/**
 * `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`, keyed with the secret's bytes
 * (Standard Webhooks).
 */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string | Buffer): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const hmac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.`).update(body);
  return `v1,${hmac.digest('base64')}`;
}

/**
 * Checks a webhook delivery's Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, which may list several signatures during a secret rotation) and returns
 * its event. Deduplicate on `event.id` (= `webhook-id`): deliveries are at least once.
 * Throws WebhookVerificationError.
 */
export function verifyWebhook(input: VerifyWebhookInput): EventEnvelope {
  const id = header(input.headers, 'webhook-id');
  const timestamp = header(input.headers, 'webhook-timestamp');
  const signatures = header(input.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'MISSING_HEADERS',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  const seconds = /^\d{1,15}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Number.isNaN(seconds) || Math.abs(nowSeconds - seconds) > (input.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError(
      'TIMESTAMP_OUT_OF_TOLERANCE',
      'webhook-timestamp is missing, malformed or too far from now',
    );
  }
  const expected = Buffer.from(webhookSignature(input.secret, id, seconds, input.body));
  const matches = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches)
    throw new WebhookVerificationError('INVALID_SIGNATURE', 'No webhook-signature matches the body under this secret');
  return parsePayload(input.body, id);
}

function parsePayload(body: string | Buffer, id: string): EventEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body.toString());
  } catch {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The body is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== id) {
    throw new WebhookVerificationError('INVALID_PAYLOAD', 'The body is not an event envelope whose id is webhook-id');
  }
  return parsed.data;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}
