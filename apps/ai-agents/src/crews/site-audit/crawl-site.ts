import type { OutboundHttp } from '@bizosaas/outbound-http';
import { CrewError, type JsonValue, type StepContext } from '../crew.ts';
import type { FetchErrorCode } from './fetch-error.ts';
import { fetchFollowing, isFailure, type FetchAnswer, type FetchFailure } from './http-fetch.ts';
import { resolve } from './page-links.ts';
import { parseRobotsTxt } from './robots-txt.ts';
import { summariseSitemap, type SitemapSummary } from './sitemap.ts';

export const CRAWLER_AGENT = 'site-crawler';
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;
/** Google reads the first 500 KiB of a robots.txt; so do we. */
const MAX_ROBOTS_BYTES = 500 * 1024;
/** A sitemap may be 50 MB; the first 2 MB count its entries well enough, `truncated` says when cut. */
const MAX_SITEMAP_BYTES = 2 * 1024 * 1024;

export type TextFetch = {
  url: string;
  status: number | null;
  error: FetchErrorCode | null;
  text: string | null;
};

export type SitemapFetch = {
  url: string;
  /** Named by robots.txt, or the conventional /sitemap.xml. */
  source: 'robots.txt' | 'default';
  status: number | null;
  error: FetchErrorCode | null;
  truncated: boolean;
  summary: SitemapSummary | null;
};

export interface SiteSnapshot {
  page: FetchAnswer;
  robots: TextFetch;
  sitemap: SitemapFetch;
}

/** The crawler's steps: the page (its failure fails the audit), then robots.txt and the sitemap. */
export async function crawlSite(ctx: StepContext, outbound: OutboundHttp, url: string): Promise<SiteSnapshot> {
  const page = answered(
    await ctx.tool(CRAWLER_AGENT, 'fetch_page', { url }, async (signal) =>
      pageOrThrow(await fetchFollowing(outbound, url, { method: 'GET', signal, maxBytes: MAX_PAGE_BYTES })),
    ),
  );
  const robotsUrl = new URL('/robots.txt', page.finalUrl).href;
  const robots = answered(
    await ctx.tool(CRAWLER_AGENT, 'fetch_robots', { url: robotsUrl }, async (signal) =>
      textFetch(await fetchFollowing(outbound, robotsUrl, { method: 'GET', signal, maxBytes: MAX_ROBOTS_BYTES })),
    ),
  );
  const listed = robots.status === 200 && robots.text !== null ? parseRobotsTxt(robots.text).sitemaps[0] : undefined;
  // Sitemap lines should be absolute; a relative one is read against robots.txt, a garbled one ignored.
  const named = listed === undefined ? undefined : resolve(listed, robotsUrl)?.href;
  const sitemapUrl = named ?? new URL('/sitemap.xml', page.finalUrl).href;
  const args = { url: sitemapUrl, pageUrl: page.finalUrl };
  const sitemap = answered(
    await ctx.tool(CRAWLER_AGENT, 'fetch_sitemap', args, async (signal) => {
      const result = await fetchFollowing(outbound, sitemapUrl, { method: 'GET', signal, maxBytes: MAX_SITEMAP_BYTES });
      return sitemapFetch(result, named === undefined ? 'default' : 'robots.txt', page.finalUrl);
    }),
  );
  return { page, robots, sitemap };
}

/** A tool's result; a declined approval cannot happen (no site-audit tool asks for one). */
export function answered<T extends JsonValue>(result: T | { declined: true; reason: string }): T {
  if (typeof result === 'object' && result !== null && 'declined' in result && result.declined === true)
    throw new CrewError('TOOL_DECLINED', 'a site-audit step was declined');
  return result as T;
}

/**
 * The page's answer, or the failure thrown from inside the step (so it is not recorded and a retry
 * fetches again): a refused address cannot succeed on retry, a timeout or reset may.
 */
function pageOrThrow(result: FetchAnswer | FetchFailure): FetchAnswer {
  if (!isFailure(result)) return result;
  if (result.error === 'ADDRESS_REFUSED')
    throw new CrewError('OUTBOUND_ADDRESS_REFUSED', `${result.url} was not fetched: ${result.message}`, false);
  const retryable =
    result.error === 'TIMEOUT' || result.error === 'CONNECTION_REFUSED' || result.error === 'NETWORK_ERROR';
  throw new CrewError(
    'SITE_UNREACHABLE',
    `${result.url} could not be fetched (${result.error}): ${result.message}`,
    retryable,
  );
}

function textFetch(result: FetchAnswer | FetchFailure): TextFetch {
  if (isFailure(result)) return { url: result.url, status: null, error: result.error, text: null };
  return { url: result.url, status: result.status, error: null, text: result.status === 200 ? result.body : null };
}

function sitemapFetch(
  result: FetchAnswer | FetchFailure,
  source: SitemapFetch['source'],
  pageUrl: string,
): SitemapFetch {
  if (isFailure(result))
    return { url: result.url, source, status: null, error: result.error, truncated: false, summary: null };
  const summary = result.status === 200 && result.body !== null ? summariseSitemap(result.body, pageUrl) : null;
  return { url: result.url, source, status: result.status, error: null, truncated: result.truncated, summary };
}
