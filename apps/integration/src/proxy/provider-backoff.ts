type Headers = Readonly<Record<string, string | string[] | undefined>>;

const first = (headers: Headers, ...names: string[]): string | undefined => {
  for (const name of names) {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined && text.trim() !== '') return text.trim();
  }
  return undefined;
};

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */
function retryAfterUntil(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  if (/^\d+$/.test(value)) return nowMs + Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : date;
}

/**
 * An exhausted window: X-RateLimit-Remaining (or the IETF draft's RateLimit-Remaining) at 0 with
 * its reset. Providers send the reset as seconds from now or as an epoch in seconds or
 * milliseconds; values past 1e9 can only be epochs (1e9 seconds is 31 years).
 */
function exhaustedUntil(headers: Headers, nowMs: number): number | null {
  const remaining = first(headers, 'x-ratelimit-remaining', 'ratelimit-remaining');
  if (remaining === undefined || Number(remaining) !== 0) return null;
  const reset = Number(first(headers, 'x-ratelimit-reset', 'ratelimit-reset'));
  if (!Number.isFinite(reset) || reset < 0) return null;
  if (reset > 1e12) return reset;
  if (reset > 1e9) return reset * 1000;
  return nowMs + reset * 1000;
}

/**
 * How long the provider asked not to be called, in ms (0 when it did not): Retry-After on a 429
 * or 503, or an exhausted rate-limit window, whichever ends later, capped at `maxMs` (a provider's
 * header never locks a connection out for longer).
 */
export function providerBackoffMs(status: number, headers: Headers, nowMs: number, maxMs: number): number {
  const retryAfter = status === 429 || status === 503 ? retryAfterUntil(first(headers, 'retry-after'), nowMs) : null;
  const until = Math.max(retryAfter ?? 0, exhaustedUntil(headers, nowMs) ?? 0);
  return Math.min(Math.max(0, until - nowMs), maxMs);
}
