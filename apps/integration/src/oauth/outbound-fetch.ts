import type { OutboundHttp } from '@bizosaas/outbound-http';

/** The part of fetch oauth4webapi calls through `[customFetch]`. */
export type FetchLike = (
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    body?: URLSearchParams | string | null;
    signal?: AbortSignal;
  },
) => Promise<Response>;

// Statuses whose Response may not carry a body.
const BODILESS = new Set([204, 205, 304]);

/**
 * fetch over the platform's guarded client (SSRF guard, no redirects followed), so token requests
 * go where every other call to a provider goes. Each request gives up after `timeoutMs` without
 * headers or body progress.
 */
export function outboundFetch(outbound: OutboundHttp, timeoutMs: number): FetchLike {
  return async (url, options) => {
    const response = await outbound.request(url, {
      method: options.method as 'POST',
      headers: options.headers,
      ...(options.body != null && { body: String(options.body) }),
      ...(options.signal && { signal: options.signal }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    if (BODILESS.has(response.statusCode)) {
      await response.body.dump();
      return new Response(null, { status: response.statusCode, headers });
    }
    return new Response(await response.body.arrayBuffer(), { status: response.statusCode, headers });
  };
}
