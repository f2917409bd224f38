import { load, type CheerioAPI } from 'cheerio';
import {
  extractContactLinks,
  extractLinks,
  normalisePhone,
  resolve,
  socialProfiles,
  type PageLink,
  type SocialProfile,
} from './page-links.ts';
import { extractStructuredData, type StructuredData } from './structured-data.ts';

export type Heading = {
  level: number;
  text: string;
};

/** What an audit needs to know about one HTML page: read from the markup alone, no I/O. */
export type PageFacts = {
  title: string | null;
  metaDescription: string | null;
  /** Absolute (resolved against the page). */
  canonical: string | null;
  /** The robots meta directives, lower case (`noindex, follow`). */
  robotsMeta: string | null;
  lang: string | null;
  viewport: string | null;
  h1Count: number;
  /** h1-h6 in document order, at most MAX_HEADINGS of them. */
  headings: Heading[];
  imageCount: number;
  /** Images with no alt attribute (alt="" marks a decorative image and is fine), and the first sources. */
  imagesWithoutAltCount: number;
  imagesWithoutAlt: string[];
  links: PageLink[];
  favicon: string | null;
  openGraph: Record<string, string>;
  twitter: Record<string, string>;
  structuredData: StructuredData;
  phones: string[];
  emails: string[];
  /** An <address> element or a structured-data address. */
  hasAddress: boolean;
  socialProfiles: SocialProfile[];
};

const MAX_HEADINGS = 100;
const MAX_LISTED_IMAGES = 20;
const ICON_LINKS = 'link[rel~="icon"], link[rel="shortcut icon"], link[rel~="apple-touch-icon"]';

/** Facts of `html` fetched from `pageUrl` (relative URLs resolve against <base href> when present). */
export function extractPageFacts(html: string, pageUrl: string): PageFacts {
  const $ = load(html);
  const base = resolve($('base[href]').first().attr('href') ?? '', pageUrl)?.href ?? pageUrl;
  const structuredData = extractStructuredData($);
  const links = extractLinks($, base, new URL(pageUrl).hostname);
  const images = $('img');
  const withoutAlt = images.filter((_, image) => $(image).attr('alt') === undefined);
  return {
    title: text($('head title').first().text() || $('title').first().text()),
    metaDescription: meta($, 'name', 'description'),
    canonical: absolute($('link[rel~="canonical"]').first().attr('href'), base),
    robotsMeta: meta($, 'name', 'robots')?.toLowerCase() ?? null,
    lang: text($('html').attr('lang') ?? ''),
    viewport: meta($, 'name', 'viewport'),
    h1Count: $('h1').length,
    headings: headings($),
    imageCount: images.length,
    imagesWithoutAltCount: withoutAlt.length,
    imagesWithoutAlt: withoutAlt
      .slice(0, MAX_LISTED_IMAGES)
      .map((_, image) => $(image).attr('src') ?? '')
      .get(),
    links,
    favicon: absolute($(ICON_LINKS).first().attr('href'), base),
    openGraph: prefixed($, 'og:'),
    twitter: prefixed($, 'twitter:'),
    structuredData,
    ...contactFacts($, structuredData, links),
  };
}

/** Contacts from links and structured data alike: a business may state them either way. */
function contactFacts(
  $: CheerioAPI,
  structuredData: StructuredData,
  links: PageLink[],
): Pick<PageFacts, 'phones' | 'emails' | 'hasAddress' | 'socialProfiles'> {
  const contacts = extractContactLinks($);
  const statedPhones = structuredData.telephones.flatMap((phone) => normalisePhone(phone) ?? []);
  return {
    phones: unique([...contacts.phones, ...statedPhones]),
    emails: unique([...contacts.emails, ...structuredData.emails.map((email) => email.toLowerCase())]),
    hasAddress: $('address').length > 0 || structuredData.hasAddress,
    socialProfiles: socialProfiles([...links.map((link) => link.url), ...structuredData.sameAs]),
  };
}

function text(value: string): string | null {
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
}

function meta($: CheerioAPI, attribute: 'name' | 'property', key: string): string | null {
  const element = $('meta').filter((_, candidate) => ($(candidate).attr(attribute) ?? '').toLowerCase() === key);
  return text(element.first().attr('content') ?? '');
}

function absolute(href: string | undefined, base: string): string | null {
  if (href === undefined || href.trim() === '') return null;
  return resolve(href, base)?.href ?? null;
}

function headings($: CheerioAPI): Heading[] {
  return $('h1, h2, h3, h4, h5, h6')
    .slice(0, MAX_HEADINGS)
    .map((_, element) => ({ level: Number(element.tagName.slice(1)), text: text($(element).text()) ?? '' }))
    .get();
}

/** Open Graph and Twitter card tags: `og:` tags use `property`, twitter ones `name`, and pages mix them up. */
function prefixed($: CheerioAPI, prefix: string): Record<string, string> {
  const found: Record<string, string> = {};
  $('meta').each((_, element) => {
    const key = ($(element).attr('property') ?? $(element).attr('name') ?? '').toLowerCase();
    const content = text($(element).attr('content') ?? '');
    if (key.startsWith(prefix) && content !== null && !(key in found)) found[key] = content;
  });
  return found;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
