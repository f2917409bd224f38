import { readFileSync } from 'node:fs';
import type { SiteSnapshot } from './crawl-site.ts';
import type { FetchAnswer } from './http-fetch.ts';

export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A crawl as the crawler would have recorded it: a 200 HTML page, robots.txt and a sitemap listing the page. */
export function siteSnapshot(
  finalUrl: string,
  body: string,
  overrides: { page?: Partial<FetchAnswer>; robots?: string | null; sitemap?: boolean } = {},
): SiteSnapshot {
  const robotsText = overrides.robots === undefined ? 'User-agent: *\nDisallow: /admin\n' : overrides.robots;
  return {
    page: {
      url: finalUrl,
      status: 200,
      finalUrl,
      redirects: [],
      contentType: 'text/html; charset=utf-8',
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body,
      bodyBytes: body.length,
      truncated: false,
      timeToHeadersMs: 120,
      totalMs: 150,
      ...overrides.page,
    },
    robots: {
      url: new URL('/robots.txt', finalUrl).href,
      status: robotsText === null ? 404 : 200,
      error: null,
      text: robotsText,
    },
    sitemap: {
      url: new URL('/sitemap.xml', finalUrl).href,
      source: 'default',
      status: overrides.sitemap === false ? 404 : 200,
      error: null,
      truncated: false,
      summary: overrides.sitemap === false ? null : { kind: 'urlset', entryCount: 12, listsPage: true },
    },
  };
}
