import { check, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import { isBroken, type LinkStatus } from './link-check.ts';
import type { PageFacts } from './page-facts.ts';
import { isOrganizationType } from './structured-data.ts';

/** How the presence categories add up to the overall score (they sum to 1). */
export const PRESENCE_CATEGORY_WEIGHTS = { contact: 0.3, social: 0.2, brand: 0.2, trust: 0.3 } as const;

/** What the presence auditor fetched to see that it answers: the favicon, the OG image, social profiles. */
export interface PresenceTargets {
  favicon: string;
  /** False when the page declares no icon and /favicon.ico is tried instead. */
  faviconDeclared: boolean;
  ogImage: string | null;
  profiles: string[];
}

/** The URLs to check, favicon and OG image first, at most `max` of them. */
export function presenceTargets(
  facts: PageFacts,
  finalUrl: string,
  max: number,
): { targets: PresenceTargets; urls: string[] } {
  const favicon = facts.favicon ?? new URL('/favicon.ico', finalUrl).href;
  const ogImage = facts.openGraph['og:image'] ? new URL(facts.openGraph['og:image'], finalUrl).href : null;
  const profiles = facts.socialProfiles.map((profile) => profile.url);
  const urls = [...new Set([favicon, ...(ogImage ? [ogImage] : []), ...profiles])].slice(0, max);
  return { targets: { favicon, faviconDeclared: facts.favicon !== null, ogImage, profiles }, urls };
}

export function presenceChecks(
  site: SiteSnapshot,
  facts: PageFacts,
  targets: PresenceTargets,
  checked: readonly LinkStatus[],
): Check[] {
  const statusOf = (url: string | null) => checked.find((link) => link.url === url);
  return [
    ...contact(facts),
    ...social(facts, targets, checked),
    ...brand(facts, targets, statusOf),
    ...trust(site, facts),
  ];
}

function contact(facts: PageFacts): Check[] {
  return [
    check(
      'phone',
      'contact',
      'warning',
      facts.phones.length > 0,
      facts.phones.length > 0
        ? `Phone: ${facts.phones.join(', ')}.`
        : 'No phone number (tel: link or structured data).',
      facts.phones,
    ),
    check(
      'email',
      'contact',
      'warning',
      facts.emails.length > 0,
      facts.emails.length > 0
        ? `E-mail: ${facts.emails.join(', ')}.`
        : 'No e-mail address (mailto: link or structured data).',
      facts.emails,
    ),
    check(
      'address',
      'contact',
      'warning',
      facts.hasAddress,
      facts.hasAddress ? 'A postal address is given.' : 'No postal address (<address> or structured data).',
    ),
  ];
}

function social(facts: PageFacts, targets: PresenceTargets, checked: readonly LinkStatus[]): Check[] {
  const networks = [...new Set(facts.socialProfiles.map((profile) => profile.network))];
  const checks = [
    check(
      'social-profiles',
      'social',
      'warning',
      networks.length > 0,
      networks.length > 0 ? `Social profiles linked: ${networks.join(', ')}.` : 'No social profile is linked.',
      networks,
    ),
    check(
      'several-networks',
      'social',
      'notice',
      networks.length >= 2,
      `${networks.length} social network(s) linked (two or more widen reach).`,
      networks.length,
    ),
  ];
  const profileStatuses = checked.filter((link) => targets.profiles.includes(link.url));
  if (profileStatuses.length === 0) return checks;
  const broken = profileStatuses.filter(isBroken).map((link) => link.url);
  const message =
    broken.length === 0
      ? `All ${profileStatuses.length} checked profile link(s) answer.`
      : `Broken profile link(s): ${broken.join(', ')}.`;
  return [...checks, check('social-profiles-reachable', 'social', 'notice', broken.length === 0, message, broken)];
}

function brand(
  facts: PageFacts,
  targets: PresenceTargets,
  statusOf: (url: string | null) => LinkStatus | undefined,
): Check[] {
  const icon = statusOf(targets.favicon);
  // A declared icon passes unless it is checked and broken; the /favicon.ico fallback must answer 2xx.
  const favicon = targets.faviconDeclared
    ? !(icon && isBroken(icon))
    : icon?.status !== undefined && icon.status !== null && icon.status < 300;
  const image = statusOf(targets.ogImage);
  const ogImage = targets.ogImage !== null && !(image && isBroken(image));
  return [
    check(
      'favicon',
      'brand',
      'warning',
      favicon,
      favicon ? `Favicon: ${targets.favicon}.` : 'No favicon the browser can show.',
      targets.favicon,
    ),
    check(
      'og-image',
      'brand',
      'warning',
      ogImage,
      ogImage
        ? 'Shared links show the og:image.'
        : targets.ogImage
          ? `The og:image does not answer: ${targets.ogImage}.`
          : 'No og:image: shared links show no picture.',
      targets.ogImage,
    ),
    check(
      'title',
      'brand',
      'warning',
      facts.title !== null,
      facts.title ? `Title: ${facts.title}.` : 'The page has no title.',
      facts.title,
    ),
    check(
      'meta-description',
      'brand',
      'notice',
      facts.metaDescription !== null,
      facts.metaDescription ? 'The page describes itself (meta description).' : 'No meta description.',
      facts.metaDescription,
    ),
  ];
}

function trust(site: SiteSnapshot, facts: PageFacts): Check[] {
  const { page, robots, sitemap } = site;
  const https = page.finalUrl.startsWith('https:');
  const ok = page.status >= 200 && page.status < 300;
  const types = [...facts.structuredData.jsonLdTypes, ...facts.structuredData.microdataTypes];
  const organization = types.filter(isOrganizationType);
  const sitemapFound = sitemap.summary !== null && sitemap.summary.kind !== 'invalid';
  return [
    check('status-ok', 'trust', 'critical', ok, `The page answers ${page.status}.`, page.status),
    check(
      'https',
      'trust',
      'critical',
      https,
      https ? 'The site is served over HTTPS.' : 'The site is served over plain HTTP: browsers mark it not secure.',
      page.finalUrl,
    ),
    check(
      'mobile-viewport',
      'trust',
      'warning',
      facts.viewport !== null,
      facts.viewport
        ? 'The page is set up for phones (viewport).'
        : 'No viewport meta tag: the page is not mobile-friendly.',
      facts.viewport,
    ),
    check(
      'organization-data',
      'trust',
      'warning',
      organization.length > 0,
      organization.length > 0
        ? `Structured data describes the business: ${organization.join(', ')}.`
        : 'No Organization or LocalBusiness structured data.',
      organization,
    ),
    check(
      'sitemap',
      'trust',
      'notice',
      sitemapFound,
      sitemapFound ? `Sitemap found (${sitemap.url}).` : `No sitemap at ${sitemap.url}.`,
    ),
    check(
      'robots-txt',
      'trust',
      'notice',
      robots.status === 200,
      robots.status === 200 ? 'robots.txt found.' : `No robots.txt (${robots.error ?? robots.status}).`,
    ),
  ];
}
