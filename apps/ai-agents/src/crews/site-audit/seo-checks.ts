import { checker, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import { isBroken, type LinkStatus } from './link-check.ts';
import type { PageFacts } from './page-facts.ts';
import { contentChecks } from './seo-content-checks.ts';
import { crawlabilityChecks } from './seo-crawlability-checks.ts';

/** How the SEO categories add up to the overall score (they sum to 1). */
export const SEO_CATEGORY_WEIGHTS = { crawlability: 0.35, content: 0.3, technical: 0.2, links: 0.15 } as const;

/** Time to the page's headers above which search engines and visitors notice. */
export const SLOW_RESPONSE_MS = 800;

const technical = checker('technical');
const linking = checker('links');

/** Every SEO check of one page; `links` is null when no link was checked (maxLinksChecked 0). */
export function seoChecks(site: SiteSnapshot, facts: PageFacts, links: readonly LinkStatus[] | null): Check[] {
  return [
    ...crawlabilityChecks(site, facts),
    ...contentChecks(facts),
    ...deliveryChecks(site, facts),
    ...markupChecks(facts),
    ...linkChecks(facts, links),
  ];
}

function deliveryChecks({ page }: SiteSnapshot, { viewport }: PageFacts): Check[] {
  const https = page.finalUrl.startsWith('https:');
  const time = page.timeToHeadersMs;
  const mobile = [
    'A viewport meta tag makes the page mobile-friendly.',
    'No viewport meta tag: phones show a zoomed-out desktop page.',
  ] as const;
  const speed = `The page's headers arrived after ${time} ms (at most ${SLOW_RESPONSE_MS} ms is good).`;
  return [
    technical(
      'https',
      'critical',
      https,
      ['The page is served over HTTPS.', 'The page is served over plain HTTP.'],
      page.finalUrl,
    ),
    technical('viewport', 'warning', viewport !== null, mobile, viewport),
    technical('response-time', 'warning', time <= SLOW_RESPONSE_MS, speed, time),
  ];
}

/** Structured data and the cards social networks build from Open Graph and Twitter tags. */
function markupChecks({ structuredData: data, openGraph: og, twitter }: PageFacts): Check[] {
  const types = [...data.jsonLdTypes, ...data.microdataTypes];
  const ogMissing = ['og:title', 'og:description', 'og:image'].filter((key) => !(key in og));
  const card = twitter['twitter:card'];
  const invalid = `${data.invalidJsonLdBlocks} of ${data.jsonLdBlocks} JSON-LD block(s) are not valid JSON.`;
  return [
    technical(
      'structured-data',
      'notice',
      types.length > 0,
      [`Structured data: ${types.join(', ')}.`, 'No structured data (JSON-LD or microdata).'],
      types,
    ),
    technical('json-ld-valid', 'warning', data.invalidJsonLdBlocks === 0, invalid, data.invalidJsonLdBlocks),
    technical(
      'open-graph',
      'notice',
      ogMissing.length === 0,
      ['Open Graph title, description and image are set.', `Open Graph tags missing: ${ogMissing.join(', ')}.`],
      og,
    ),
    technical(
      'twitter-card',
      'notice',
      card !== undefined,
      [`Twitter card: ${card}.`, 'No twitter:card tag.'],
      twitter,
    ),
  ];
}

function linkChecks(facts: PageFacts, links: readonly LinkStatus[] | null): Check[] {
  const internal = facts.links.filter((link) => link.internal).length;
  const counts = { internal, external: facts.links.length - internal };
  const summary = `${internal} internal and ${counts.external} external link(s).`;
  const checks = [linking('internal-links', 'notice', internal > 0, summary, counts)];
  if (links === null) return checks;
  const broken = links.filter(isBroken).map((link) => ({ url: link.url, status: link.status, error: link.error }));
  const message = [
    `None of the ${links.length} checked link(s) is broken.`,
    `${broken.length} of ${links.length} checked link(s) are broken.`,
  ] as const;
  return [...checks, linking('broken-links', 'warning', broken.length === 0, message, broken)];
}
