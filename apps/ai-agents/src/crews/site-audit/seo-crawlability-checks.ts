import { checker, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import type { PageFacts } from './page-facts.ts';
import { parseRobotsTxt, robotsAllows } from './robots-txt.ts';

/** The crawler search engines are judged as: robots.txt groups for it win over `*`. */
export const SEARCH_ENGINE_AGENT = 'googlebot';

const crawlability = checker('crawlability');

/** Can search engines fetch and index the page: status, type, redirects, robots, canonical, sitemap. */
export function crawlabilityChecks(site: SiteSnapshot, facts: PageFacts): Check[] {
  return [...answerChecks(site), robotsAllowsPage(site), ...indexingChecks(site, facts)];
}

function answerChecks({ page }: SiteSnapshot): Check[] {
  const ok = page.status >= 200 && page.status < 300;
  const html = /^(text\/html|application\/xhtml\+xml)/i.test(page.contentType ?? '');
  const status = [`The page answers ${page.status}.`, `The page answers ${page.status}, not 2xx.`] as const;
  const type = ['The page is HTML.', `The page is ${page.contentType ?? 'of no declared type'}, not HTML.`] as const;
  const hops = page.redirects.length;
  return [
    crawlability('status-ok', 'critical', ok, status, page.status),
    crawlability('content-type-html', 'critical', html, type, page.contentType),
    crawlability('redirects', 'notice', hops <= 1, `${hops} redirect(s) before the page.`, [
      ...page.redirects,
      page.finalUrl,
    ]),
  ];
}

/**
 * A missing robots.txt (4xx) allows everything; an unreachable one (5xx, no answer) is read as
 * disallow-all, as search engines read it.
 */
function robotsAllowsPage({ robots, page }: SiteSnapshot): Check {
  const id = 'robots-allows-page';
  if (robots.status !== null && robots.status >= 400 && robots.status < 500)
    return crawlability(id, 'critical', true, `No robots.txt (${robots.status}): crawling is allowed.`, robots.status);
  if (robots.text === null) {
    const reason = robots.error ?? robots.status;
    return crawlability(id, 'critical', false, `robots.txt could not be read (${reason}): crawlers stay away.`, reason);
  }
  const target = new URL(page.finalUrl);
  const verdict = robotsAllows(parseRobotsTxt(robots.text), SEARCH_ENGINE_AGENT, `${target.pathname}${target.search}`);
  const message = ['robots.txt allows crawling the page.', `robots.txt blocks the page (${verdict.rule}).`] as const;
  return crawlability(id, 'critical', verdict.allowed, message, verdict.rule);
}

function indexingChecks({ page, sitemap }: SiteSnapshot, facts: PageFacts): Check[] {
  const directives = [facts.robotsMeta ?? '', page.headers['x-robots-tag'] ?? ''];
  const noindex = directives.some((text) => /noindex|none/i.test(text));
  const found = sitemap.summary !== null && sitemap.summary.kind !== 'invalid';
  const indexable = [
    'Nothing asks search engines not to index the page.',
    'A robots meta tag or X-Robots-Tag says noindex.',
  ] as const;
  const listed = [
    `A sitemap lists ${sitemap.summary?.entryCount ?? 0} entries (${sitemap.url}).`,
    `No sitemap at ${sitemap.url}.`,
  ] as const;
  return [
    crawlability('indexable', 'critical', !noindex, indexable, facts.robotsMeta),
    crawlability(
      'canonical',
      'warning',
      facts.canonical !== null,
      canonicalMessage(facts, page.finalUrl),
      facts.canonical,
    ),
    crawlability('sitemap', 'warning', found, listed, sitemap.summary?.entryCount ?? null),
  ];
}

function canonicalMessage({ canonical }: PageFacts, finalUrl: string): string {
  if (canonical === null) return 'No canonical link.';
  if (canonical === finalUrl) return 'The canonical link names the page itself.';
  return `The canonical link names another URL: ${canonical}.`;
}
