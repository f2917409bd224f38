import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { z } from 'zod';
import { OutboundAddressRefusedError, type OutboundHttp } from '@bizosaas/outbound-http';

/** A provider's answer that a later try may not repeat: 5xx, a timeout, a dropped connection. */
export class TransientProviderError extends Error {}

/** The provider refused the call (4xx other than 429): the run fails with this message. */
export class ProviderRefusedError extends Error {}

export interface ProviderCallOptions {
  http: OutboundHttp;
  /** The provider's name in error messages. */
  name: string;
  /** Header values that must never appear in an error message (the credentials). */
  secrets: readonly string[];
  signal: AbortSignal;
  timeoutMs?: number;
  /** Tries of a failing call (the first included) before the run fails. */
  maxAttempts?: number;
  initialDelayMs?: number;
  /** A 429 is waited out and the call made again, this many times in a row at most. */
  maxRateLimitWaits?: number;
  /** The longest Retry-After honoured as given; longer ones wait this long and try again. */
  maxRetryAfterMs?: number;
}

export interface ProviderAnswer {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export type ProviderCall = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
) => Promise<ProviderAnswer>;

/** Retry-After in seconds or as an HTTP date, in ms from now; 1 s when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return 1_000;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1_000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - now);
}

/**
 * JSON calls to a provider through the outbound helper: a 429 is waited out (Retry-After) and the
 * same call made again without counting as a failure; 5xx answers, timeouts and dropped
 * connections are retried with exponential backoff; other answers fail the call.
 */
export function providerCall(options: ProviderCallOptions): ProviderCall {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxWaits = options.maxRateLimitWaits ?? 100;
  const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
  const redact = (text: string) =>
    options.secrets.reduce((out, secret) => (secret.length >= 4 ? out.split(secret).join('[redacted]') : out), text);
  const policy = retry(
    handleWhen((error) => error instanceof TransientProviderError),
    {
      maxAttempts: (options.maxAttempts ?? 4) - 1,
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs ?? 250, maxDelay: 10_000 }),
    },
  );

  async function once(url: string, init: Parameters<ProviderCall>[1]): Promise<ProviderAnswer | { wait: number }> {
    let response;
    try {
      response = await options.http.request(url, {
        method: init.method,
        headers: { accept: 'application/json', ...init.headers },
        ...(init.body !== undefined && { body: init.body }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof OutboundAddressRefusedError || options.signal.aborted) throw error;
      throw new TransientProviderError(redact(`${options.name}: ${(error as Error).message}`));
    }
    const { statusCode, headers } = response;
    if (statusCode >= 200 && statusCode < 300) return { body: await response.body.json(), headers };
    const excerpt = redact((await response.body.text()).slice(0, 300));
    if (statusCode === 429) return { wait: Math.min(retryAfterMs(headers['retry-after']), maxRetryAfter) };
    const message = `${options.name} answered ${statusCode}: ${excerpt}`;
    throw statusCode >= 500 ? new TransientProviderError(message) : new ProviderRefusedError(message);
  }

  return (url, init) =>
    policy.execute(async () => {
      for (let waits = 0; ; waits += 1) {
        const answer = await once(url, init);
        if (!('wait' in answer)) return answer;
        if (waits >= maxWaits)
          throw new ProviderRefusedError(`${options.name} kept answering 429 (${waits} waits in a row)`);
        await sleep(answer.wait, undefined, { signal: options.signal });
      }
    });
}

/** A provider's body against the shape the sync reads; a different shape fails the run, naming the paths. */
export function parseAnswer<S extends z.ZodType>(name: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const paths = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ProviderRefusedError(`${name} answered a body the sync cannot read (${paths.join('; ')})`);
}
