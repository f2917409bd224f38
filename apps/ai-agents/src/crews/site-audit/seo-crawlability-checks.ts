import { check, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import type { PageFacts } from './page-facts.ts';
import { parseRobotsTxt, robotsAllows } from './robots-txt.ts';

/** The crawler search engines are judged as: robots.txt groups for it win over `*`. */
export const SEARCH_ENGINE_AGENT = 'googlebot';

/** Can search engines fetch and index the page: status, type, redirects, robots, canonical, sitemap. */
export function crawlabilityChecks(site: SiteSnapshot, facts: PageFacts): Check[] {
  const { page, sitemap } = site;
  const ok = page.status >= 200 && page.status < 300;
  const html = /^(text\/html|application\/xhtml\+xml)/i.test(page.contentType ?? '');
  const noindex = [facts.robotsMeta ?? '', page.headers['x-robots-tag'] ?? ''].some((directives) =>
    /noindex|none/i.test(directives),
  );
  const found = sitemap.summary !== null && sitemap.summary.kind !== 'invalid';
  return [
    check(
      'status-ok',
      'crawlability',
      'critical',
      ok,
      ok ? `The page answers ${page.status}.` : `The page answers ${page.status}, not 2xx.`,
      page.status,
    ),
    check(
      'content-type-html',
      'crawlability',
      'critical',
      html,
      html ? 'The page is HTML.' : `The page is ${page.contentType ?? 'of no declared type'}, not HTML.`,
      page.contentType,
    ),
    check(
      'redirects',
      'crawlability',
      'notice',
      page.redirects.length <= 1,
      `${page.redirects.length} redirect(s) before the page.`,
      [...page.redirects, page.finalUrl],
    ),
    robotsAllowsPage(site),
    check(
      'indexable',
      'crawlability',
      'critical',
      !noindex,
      noindex
        ? 'A robots meta tag or X-Robots-Tag says noindex.'
        : 'Nothing asks search engines not to index the page.',
      facts.robotsMeta,
    ),
    check(
      'canonical',
      'crawlability',
      'warning',
      facts.canonical !== null,
      canonicalMessage(facts.canonical, page.finalUrl),
      facts.canonical,
    ),
    check(
      'sitemap',
      'crawlability',
      'warning',
      found,
      found
        ? `A sitemap lists ${sitemap.summary?.entryCount ?? 0} entries (${sitemap.url}).`
        : `No sitemap at ${sitemap.url}.`,
      sitemap.summary?.entryCount ?? null,
    ),
  ];
}

/** A missing robots.txt (4xx) allows everything; an unreachable one (5xx, no answer) is read as disallow-all, as crawlers do. */
function robotsAllowsPage(site: SiteSnapshot): Check {
  const { robots, page } = site;
  const id = 'robots-allows-page';
  if (robots.status !== null && robots.status >= 400 && robots.status < 500)
    return check(
      id,
      'crawlability',
      'critical',
      true,
      `No robots.txt (${robots.status}): crawling is allowed.`,
      robots.status,
    );
  if (robots.text === null)
    return check(
      id,
      'crawlability',
      'critical',
      false,
      `robots.txt could not be read (${robots.error ?? robots.status}): crawlers stay away.`,
      robots.error ?? robots.status,
    );
  const target = new URL(page.finalUrl);
  const verdict = robotsAllows(parseRobotsTxt(robots.text), SEARCH_ENGINE_AGENT, `${target.pathname}${target.search}`);
  const message = verdict.allowed
    ? 'robots.txt allows crawling the page.'
    : `robots.txt blocks the page (${verdict.rule}).`;
  return check(id, 'crawlability', 'critical', verdict.allowed, message, verdict.rule);
}

function canonicalMessage(canonical: string | null, finalUrl: string): string {
  if (canonical === null) return 'No canonical link.';
  return canonical === finalUrl
    ? 'The canonical link names the page itself.'
    : `The canonical link names another URL: ${canonical}.`;
}
