import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { Dispatcher } from 'undici';
import { fetchErrorCode, type FetchErrorCode } from './fetch-error.ts';

export type FetchFailure = {
  url: string;
  error: FetchErrorCode;
  message: string;
  /** The hops answered before the failure (a redirect chain that broke half-way). */
  redirects: string[];
};

export type FetchAnswer = {
  url: string;
  status: number;
  /** Where the last hop was fetched: `url` after the redirects. */
  finalUrl: string;
  redirects: string[];
  contentType: string | null;
  headers: Record<string, string>;
  /** The decoded text when asked for and textual; capped at `maxBytes`. */
  body: string | null;
  bodyBytes: number;
  truncated: boolean;
  /** Milliseconds from the first request to the last hop's headers, and to its body read. */
  timeToHeadersMs: number;
  totalMs: number;
};

export interface FetchOptions {
  method: 'GET' | 'HEAD';
  signal: AbortSignal;
  /** Read the body as text (textual content types only), keeping at most `maxBytes`. */
  maxBytes?: number;
  /** Per hop: the wait for headers, and for each piece of the body. Default 15 s. */
  timeoutMs?: number;
  /** The whole fetch, every hop and the body read, so a slow drip cannot hold a step. Default 30 s. */
  deadlineMs?: number;
}

export const MAX_REDIRECTS = 5;
export const USER_AGENT = 'BizOSaaS-SiteAudit/1.0';
const CHARSET = /charset=["']?([\w.:-]+)/i;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const KEPT_HEADERS = [
  'content-type',
  'content-language',
  'cache-control',
  'last-modified',
  'x-robots-tag',
  'strict-transport-security',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'server',
];
const TEXTUAL = /^(text\/|application\/(xhtml\+xml|xml|json|ld\+json)|[a-z]+\/[a-z.+-]*\+xml)/i;

/**
 * One URL fetched through the outbound helper, its redirects followed by hand (at most
 * MAX_REDIRECTS) so every hop is checked by the address policy. Never throws for a network
 * failure: the failure is the result, so a crew records it like any answer.
 */
export async function fetchFollowing(
  outbound: OutboundHttp,
  url: string,
  options: FetchOptions,
): Promise<FetchAnswer | FetchFailure> {
  const started = performance.now();
  const redirects: string[] = [];
  const hop = {
    ...options,
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.deadlineMs ?? 30_000)]),
  };
  let current = url;
  try {
    for (;;) {
      const response = await send(outbound, current, hop);
      const location = REDIRECT_STATUSES.has(response.statusCode) ? headerOf(response, 'location') : null;
      if (location === null) return await answer(url, current, redirects, response, options, started);
      await response.body.dump();
      const next = nextHop(current, location);
      if (next === null) return failure(url, 'BAD_REDIRECT', `${current} redirects to ${location}`, redirects);
      redirects.push(current);
      if (redirects.length > MAX_REDIRECTS)
        return failure(url, 'TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects from ${url}`, redirects);
      current = next;
    }
  } catch (error) {
    return failure(url, fetchErrorCode(error), (error as Error).message, redirects);
  }
}

function send(outbound: OutboundHttp, url: string, options: FetchOptions): Promise<Dispatcher.ResponseData<unknown>> {
  const timeout = options.timeoutMs ?? 15_000;
  return outbound.request(url, {
    method: options.method,
    // No accept-encoding: the body arrives as sent, with nothing to inflate.
    headers: { 'user-agent': USER_AGENT, accept: '*/*' },
    signal: options.signal,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
}

function headerOf(response: Dispatcher.ResponseData<unknown>, name: string): string | null {
  const value = response.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

/** The next hop's absolute URL, or null when it is not http(s) or not a URL at all. */
function nextHop(current: string, location: string): string | null {
  try {
    const next = new URL(location, current);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next.href : null;
  } catch {
    return null;
  }
}

async function answer(
  url: string,
  finalUrl: string,
  redirects: string[],
  response: Dispatcher.ResponseData<unknown>,
  options: FetchOptions,
  started: number,
): Promise<FetchAnswer> {
  const timeToHeadersMs = Math.round(performance.now() - started);
  const contentType = headerOf(response, 'content-type');
  const wantsText = options.maxBytes !== undefined && options.method === 'GET' && TEXTUAL.test(contentType ?? '');
  const read = wantsText ? await readCapped(response, options.maxBytes ?? 0, contentType) : await skipBody(response);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headerOf(response, name);
    if (value !== null) headers[name] = value;
  }
  const totalMs = Math.round(performance.now() - started);
  return {
    url,
    status: response.statusCode,
    finalUrl,
    redirects,
    contentType,
    headers,
    ...read,
    timeToHeadersMs,
    totalMs,
  };
}

type BodyRead = Pick<FetchAnswer, 'body' | 'bodyBytes' | 'truncated'>;

async function skipBody(response: Dispatcher.ResponseData<unknown>): Promise<BodyRead> {
  await response.body.dump();
  return { body: null, bodyBytes: 0, truncated: false };
}

/** Reads at most `maxBytes`; past that the connection is dropped rather than drained. */
async function readCapped(
  response: Dispatcher.ResponseData<unknown>,
  maxBytes: number,
  contentType: string | null,
): Promise<BodyRead> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (chunk.length > room) {
      truncated = true;
      response.body.destroy();
      break;
    }
  }
  return { body: decode(Buffer.concat(chunks), contentType), bodyBytes: size, truncated };
}

/**
 * The header's charset, else a <meta charset> (or http-equiv) in the first 1024 bytes, as browsers
 * prescan; UTF-8 otherwise.
 */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const prescan = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const charset = CHARSET.exec(contentType ?? '')?.[1] ?? /<meta[^>]+charset=["']?([\w.:-]+)/i.exec(prescan)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown label: UTF-8 is what most pages are, and the audit needs text, not fidelity.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function failure(url: string, error: FetchErrorCode, message: string, redirects: string[]): FetchFailure {
  return { url, error, message, redirects };
}

export function isFailure(result: FetchAnswer | FetchFailure): result is FetchFailure {
  return 'error' in result;
}
