import type { CheerioAPI } from 'cheerio';

export type PageLink = {
  /** Absolute, without the fragment. */
  url: string;
  internal: boolean;
  nofollow: boolean;
};

export type SocialProfile = {
  network: string;
  url: string;
};

/** Kept at most, in document order: enough to audit, small enough for the step journal. */
const MAX_LINKS = 500;

/** Host suffixes of social networks; a link counts as a profile unless it is a share button. */
const NETWORKS: readonly [string, string][] = [
  ['facebook.com', 'facebook'],
  ['instagram.com', 'instagram'],
  ['twitter.com', 'x'],
  ['x.com', 'x'],
  ['linkedin.com', 'linkedin'],
  ['youtube.com', 'youtube'],
  ['youtu.be', 'youtube'],
  ['tiktok.com', 'tiktok'],
  ['pinterest.com', 'pinterest'],
  ['threads.net', 'threads'],
  ['github.com', 'github'],
  ['yelp.com', 'yelp'],
];
const SHARE_PATHS = /^\/(sharer|share|intent|sharearticle|pin\/create|home\?status)/i;

/** The page's http(s) links, resolved against `base`, fragments dropped, each URL once; internal when on `host`'s site. */
export function extractLinks($: CheerioAPI, base: string, host: string): PageLink[] {
  const seen = new Set<string>();
  const links: PageLink[] = [];
  $('a[href]').each((_, anchor) => {
    const url = resolve($(anchor).attr('href') ?? '', base);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return;
    url.hash = '';
    if (seen.has(url.href) || links.length >= MAX_LINKS) return;
    seen.add(url.href);
    const rel = ($(anchor).attr('rel') ?? '').toLowerCase().split(/\s+/);
    links.push({ url: url.href, internal: sameSite(url.hostname, host), nofollow: rel.includes('nofollow') });
  });
  return links;
}

/** Phone numbers and e-mail addresses the page links to (tel:, mailto:), each once. */
export function extractContactLinks($: CheerioAPI): { phones: string[]; emails: string[] } {
  const phones = new Set<string>();
  const emails = new Set<string>();
  $('a[href]').each((_, anchor) => {
    const href = ($(anchor).attr('href') ?? '').trim();
    if (/^tel:/i.test(href)) {
      const phone = normalisePhone(decodeSafely(href.slice(4)));
      if (phone !== null) phones.add(phone);
    } else if (/^mailto:/i.test(href)) {
      const email = decodeSafely(href.slice(7).split('?')[0] ?? '')
        .trim()
        .toLowerCase();
      if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) emails.add(email);
    }
  });
  return { phones: [...phones], emails: [...emails] };
}

/** Digits and a leading +, so `+44 117 496 0123` and `tel:+44-117-496-0123` are one number; null if too short. */
export function normalisePhone(text: string): string | null {
  const phone = text.replace(/[^\d+]/g, '');
  return phone.replace(/\D/g, '').length >= 5 ? phone : null;
}

/** Social profiles among `urls` (share buttons excluded), one entry per URL. */
export function socialProfiles(urls: readonly string[]): SocialProfile[] {
  const profiles: SocialProfile[] = [];
  for (const text of urls) {
    const url = resolve(text, 'https://invalid.invalid/');
    if (!url || url.hostname === 'invalid.invalid' || SHARE_PATHS.test(url.pathname)) continue;
    const network = NETWORKS.find(([suffix]) => sameSite(url.hostname, suffix))?.[1];
    if (network && url.pathname.length > 1 && !profiles.some((profile) => profile.url === url.href))
      profiles.push({ network, url: url.href });
  }
  return profiles;
}

/** `www.a.example` and `a.example` are one site; so is a subdomain of `suffix`. */
function sameSite(hostname: string, other: string): boolean {
  const a = hostname.toLowerCase().replace(/^www\./, '');
  const b = other.toLowerCase().replace(/^www\./, '');
  return a === b || a.endsWith(`.${b}`);
}

export function resolve(href: string, base: string): URL | null {
  try {
    return new URL(href.trim(), base);
  } catch {
    return null;
  }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
