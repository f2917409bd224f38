import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { FetchErrorCode } from './fetch-error.ts';
import { fetchFollowing, isFailure } from './http-fetch.ts';

export type LinkStatus = {
  url: string;
  /** The last hop's status, or null when nothing answered. */
  status: number | null;
  /** The method that gave `status`: HEAD, or GET after a 405/501 to HEAD. */
  method: 'HEAD' | 'GET';
  error: FetchErrorCode | null;
};

export const LINK_CONCURRENCY = 5;
const LINK_TIMEOUT_MS = 10_000;
const LINK_DEADLINE_MS = 15_000;

/**
 * Each URL's status, HEAD first (no body moved) and GET when the server refuses HEAD (405, or
 * 501 from servers that do not implement it). Redirects are followed as for the page. At most
 * LINK_CONCURRENCY requests are in flight; results come back in the order of `urls`.
 */
export async function checkLinks(
  outbound: OutboundHttp,
  urls: readonly string[],
  signal: AbortSignal,
): Promise<LinkStatus[]> {
  const results: LinkStatus[] = new Array<LinkStatus>(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      results[index] = await checkLink(outbound, urls[index]!, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LINK_CONCURRENCY, urls.length) }, worker));
  return results;
}

async function checkLink(outbound: OutboundHttp, url: string, signal: AbortSignal): Promise<LinkStatus> {
  const options = { signal, timeoutMs: LINK_TIMEOUT_MS, deadlineMs: LINK_DEADLINE_MS };
  let method: LinkStatus['method'] = 'HEAD';
  let result = await fetchFollowing(outbound, url, { ...options, method });
  if (!isFailure(result) && (result.status === 405 || result.status === 501)) {
    method = 'GET';
    result = await fetchFollowing(outbound, url, { ...options, method });
  }
  if (isFailure(result)) return { url, status: null, method, error: result.error };
  return { url, status: result.status, method, error: null };
}

/**
 * A link is broken when it is gone (404, 410), malformed (400), failing (5xx) or unreachable.
 * 401/403/429 (and LinkedIn's 999) answer automated checks, not visitors, so they are not counted;
 * neither is a link the address policy would not fetch (an intranet address): it was not checked.
 */
export function isBroken(link: LinkStatus): boolean {
  if (link.error !== null) return link.error !== 'ADDRESS_REFUSED';
  const status = link.status ?? 0;
  return status === 400 || status === 404 || status === 410 || (status >= 500 && status < 600);
}

/** Share of links that gave no answer at all (a timeout or a dropped connection). */
export function unansweredShare(links: readonly LinkStatus[]): number {
  if (links.length === 0) return 0;
  return links.filter((link) => link.error === 'TIMEOUT' || link.error === 'NETWORK_ERROR').length / links.length;
}
