import { check, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import { isBroken, type LinkStatus } from './link-check.ts';
import type { PageFacts } from './page-facts.ts';
import { contentChecks } from './seo-content-checks.ts';
import { crawlabilityChecks } from './seo-crawlability-checks.ts';

/** How the SEO categories add up to the overall score (they sum to 1). */
export const SEO_CATEGORY_WEIGHTS = { crawlability: 0.35, content: 0.3, technical: 0.2, links: 0.15 } as const;

/** Time to the page's headers above which search engines and visitors notice. */
export const SLOW_RESPONSE_MS = 800;

/** Every SEO check of one page; `links` is null when no link was checked (maxLinksChecked 0). */
export function seoChecks(site: SiteSnapshot, facts: PageFacts, links: readonly LinkStatus[] | null): Check[] {
  return [
    ...crawlabilityChecks(site, facts),
    ...contentChecks(facts),
    ...technical(site, facts),
    ...linkChecks(facts, links),
  ];
}

function technical(site: SiteSnapshot, facts: PageFacts): Check[] {
  const https = site.page.finalUrl.startsWith('https:');
  const time = site.page.timeToHeadersMs;
  const { structuredData: data, openGraph: og } = facts;
  const types = [...data.jsonLdTypes, ...data.microdataTypes];
  const ogMissing = ['og:title', 'og:description', 'og:image'].filter((key) => !(key in og));
  return [
    check(
      'https',
      'technical',
      'critical',
      https,
      https ? 'The page is served over HTTPS.' : 'The page is served over plain HTTP.',
      site.page.finalUrl,
    ),
    check(
      'viewport',
      'technical',
      'warning',
      facts.viewport !== null,
      facts.viewport
        ? 'A viewport meta tag makes the page mobile-friendly.'
        : 'No viewport meta tag: phones show a zoomed-out desktop page.',
      facts.viewport,
    ),
    check(
      'response-time',
      'technical',
      'warning',
      time <= SLOW_RESPONSE_MS,
      `The page's headers arrived after ${time} ms (at most ${SLOW_RESPONSE_MS} ms is good).`,
      time,
    ),
    check(
      'structured-data',
      'technical',
      'notice',
      types.length > 0,
      types.length > 0 ? `Structured data: ${types.join(', ')}.` : 'No structured data (JSON-LD or microdata).',
      types,
    ),
    check(
      'json-ld-valid',
      'technical',
      'warning',
      data.invalidJsonLdBlocks === 0,
      `${data.invalidJsonLdBlocks} of ${data.jsonLdBlocks} JSON-LD block(s) are not valid JSON.`,
      data.invalidJsonLdBlocks,
    ),
    check(
      'open-graph',
      'technical',
      'notice',
      ogMissing.length === 0,
      ogMissing.length === 0
        ? 'Open Graph title, description and image are set.'
        : `Open Graph tags missing: ${ogMissing.join(', ')}.`,
      og,
    ),
    check(
      'twitter-card',
      'technical',
      'notice',
      'twitter:card' in facts.twitter,
      'twitter:card' in facts.twitter ? `Twitter card: ${facts.twitter['twitter:card']}.` : 'No twitter:card tag.',
      facts.twitter,
    ),
  ];
}

function linkChecks(facts: PageFacts, links: readonly LinkStatus[] | null): Check[] {
  const internal = facts.links.filter((link) => link.internal).length;
  const counts = { internal, external: facts.links.length - internal };
  const checks = [
    check(
      'internal-links',
      'links',
      'notice',
      internal > 0,
      `${internal} internal and ${counts.external} external link(s).`,
      counts,
    ),
  ];
  if (links === null) return checks;
  const broken = links.filter(isBroken).map((link) => ({ url: link.url, status: link.status, error: link.error }));
  const message =
    broken.length === 0
      ? `None of the ${links.length} checked link(s) is broken.`
      : `${broken.length} of ${links.length} checked link(s) are broken.`;
  return [...checks, check('broken-links', 'links', 'warning', broken.length === 0, message, broken)];
}
