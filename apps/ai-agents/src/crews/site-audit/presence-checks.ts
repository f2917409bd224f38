import { checker, type Check } from './audit-report.ts';
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
  return [
    ...contactChecks(facts),
    ...socialChecks(facts, targets, checked),
    ...brandChecks(facts, targets, checked),
    ...trustChecks(site, facts),
    ...discoverabilityChecks(site),
  ];
}

const contact = checker('contact');
const social = checker('social');
const brand = checker('brand');
const trust = checker('trust');

function contactChecks({ phones, emails, hasAddress }: PageFacts): Check[] {
  const phone = [`Phone: ${phones.join(', ')}.`, 'No phone number (tel: link or structured data).'] as const;
  const email = [`E-mail: ${emails.join(', ')}.`, 'No e-mail address (mailto: link or structured data).'] as const;
  const address = ['A postal address is given.', 'No postal address (<address> or structured data).'] as const;
  return [
    contact('phone', 'warning', phones.length > 0, phone, phones),
    contact('email', 'warning', emails.length > 0, email, emails),
    contact('address', 'warning', hasAddress, address),
  ];
}

function socialChecks(facts: PageFacts, targets: PresenceTargets, checked: readonly LinkStatus[]): Check[] {
  const networks = [...new Set(facts.socialProfiles.map((profile) => profile.network))];
  const linked = [`Social profiles linked: ${networks.join(', ')}.`, 'No social profile is linked.'] as const;
  const reach = `${networks.length} social network(s) linked (two or more widen reach).`;
  const checks = [
    social('social-profiles', 'warning', networks.length > 0, linked, networks),
    social('several-networks', 'notice', networks.length >= 2, reach, networks.length),
  ];
  const profiles = checked.filter((link) => targets.profiles.includes(link.url));
  if (profiles.length === 0) return checks;
  const broken = profiles.filter(isBroken).map((link) => link.url);
  const answer = [
    `All ${profiles.length} checked profile link(s) answer.`,
    `Broken profile link(s): ${broken.join(', ')}.`,
  ] as const;
  return [...checks, social('social-profiles-reachable', 'notice', broken.length === 0, answer, broken)];
}

function brandChecks(facts: PageFacts, targets: PresenceTargets, checked: readonly LinkStatus[]): Check[] {
  const statusOf = (url: string | null) => checked.find((link) => link.url === url);
  const icon = statusOf(targets.favicon);
  // A declared icon passes unless it is checked and broken; the /favicon.ico fallback must answer 2xx.
  const favicon = targets.faviconDeclared ? !(icon && isBroken(icon)) : (icon?.status ?? 999) < 300;
  const image = statusOf(targets.ogImage);
  const ogImage = targets.ogImage !== null && !(image && isBroken(image));
  const noImage = targets.ogImage
    ? `The og:image does not answer: ${targets.ogImage}.`
    : 'No og:image: shared links show no picture.';
  const { title, metaDescription } = facts;
  return [
    brand(
      'favicon',
      'warning',
      favicon,
      [`Favicon: ${targets.favicon}.`, 'No favicon the browser can show.'],
      targets.favicon,
    ),
    brand('og-image', 'warning', ogImage, ['Shared links show the og:image.', noImage], targets.ogImage),
    brand('title', 'warning', title !== null, [`Title: ${title}.`, 'The page has no title.'], title),
    brand(
      'meta-description',
      'notice',
      metaDescription !== null,
      ['The page describes itself (meta description).', 'No meta description.'],
      metaDescription,
    ),
  ];
}

function trustChecks({ page }: SiteSnapshot, facts: PageFacts): Check[] {
  const ok = page.status >= 200 && page.status < 300;
  const https = page.finalUrl.startsWith('https:');
  const { jsonLdTypes, microdataTypes } = facts.structuredData;
  const organization = [...jsonLdTypes, ...microdataTypes].filter(isOrganizationType);
  const secure = [
    'The site is served over HTTPS.',
    'The site is served over plain HTTP: browsers mark it not secure.',
  ] as const;
  const mobile = [
    'The page is set up for phones (viewport).',
    'No viewport meta tag: the page is not mobile-friendly.',
  ] as const;
  const business = [
    `Structured data describes the business: ${organization.join(', ')}.`,
    'No Organization or LocalBusiness structured data.',
  ] as const;
  return [
    trust('status-ok', 'critical', ok, `The page answers ${page.status}.`, page.status),
    trust('https', 'critical', https, secure, page.finalUrl),
    trust('mobile-viewport', 'warning', facts.viewport !== null, mobile, facts.viewport),
    trust('organization-data', 'warning', organization.length > 0, business, organization),
  ];
}

/** Whether search engines are told what to crawl: a sitemap and a robots.txt. */
function discoverabilityChecks({ robots, sitemap }: SiteSnapshot): Check[] {
  const found = sitemap.summary !== null && sitemap.summary.kind !== 'invalid';
  const robotsFound = ['robots.txt found.', `No robots.txt (${robots.error ?? robots.status}).`] as const;
  return [
    trust('sitemap', 'notice', found, [`Sitemap found (${sitemap.url}).`, `No sitemap at ${sitemap.url}.`]),
    trust('robots-txt', 'notice', robots.status === 200, robotsFound),
  ];
}
