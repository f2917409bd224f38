import { z } from 'zod';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';

export const proxyResponse = z.object({
  /** The provider's status (a 4xx or 5xx of the provider is an answer, not an error of the proxy). */
  status: z.int(),
  /** content-type, retry-after, rate-limit headers and request ids; nothing else. */
  headers: z.record(z.string(), z.string()),
  /** JSON as a value, text as a string, other content as base64; null when there is none. */
  body: z.unknown(),
  bodyEncoding: z.enum(['json', 'text', 'base64', 'none']),
});
export type ProxyResponse = z.output<typeof proxyResponse>;

const SAFE_HEADERS = new Set([
  'content-type',
  'retry-after',
  'request-id',
  'x-request-id',
  'x-correlation-id',
  'x-hubspot-correlation-id',
  'x-fb-trace-id',
  'x-fb-request-id',
]);
// X-RateLimit-*, RateLimit-*, X-HubSpot-RateLimit-*, X-App-Usage style names: every rate-limit header.
const RATE_LIMIT_HEADER = /^(x-([a-z0-9]+-)?)?ratelimit(-|$)|-usage$/;

const REDACTED = '[redacted]';

/** Replaces every occurrence of a secret (a provider echoing the key in an error, say). */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

export function safeHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  secrets: readonly string[],
): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || !(SAFE_HEADERS.has(lower) || RATE_LIMIT_HEADER.test(lower))) continue;
    safe[lower] = redact(Array.isArray(value) ? value.join(', ') : value, secrets);
  }
  return safe;
}

/** The provider's body, at most `limit` bytes (422 past it, the rest is not read). */
export async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new BusinessRuleViolation(
        'proxy_response_too_large',
        `The provider's answer is larger than ${limit} bytes`,
        {
          limitBytes: limit,
        },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const TEXT = /^text\/|[/+](json|xml|x-www-form-urlencoded|javascript)\b/;

/**
 * The body as the response shows it, the secrets redacted first. Secrets are header values
 * (ASCII), so they are replaced in the bytes read as latin1 (one character per byte): every
 * encoding, binary included, comes out without them.
 */
export function decodeBody(
  bytes: Buffer,
  contentType: string | undefined,
  secrets: readonly string[],
): Pick<ProxyResponse, 'body' | 'bodyEncoding'> {
  if (bytes.length === 0) return { body: null, bodyEncoding: 'none' };
  const clean = Buffer.from(redact(bytes.toString('latin1'), secrets), 'latin1');
  const type = (contentType ?? '').toLowerCase();
  if (!TEXT.test(type)) return { body: clean.toString('base64'), bodyEncoding: 'base64' };
  const text = clean.toString('utf8');
  if (/[/+]json\b/.test(type)) {
    try {
      return { body: JSON.parse(text) as unknown, bodyEncoding: 'json' };
    } catch {
      // not the JSON it claims to be: shown as text
    }
  }
  return { body: text, bodyEncoding: 'text' };
}
