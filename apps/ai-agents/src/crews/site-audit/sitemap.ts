import { load } from 'cheerio';

export type SitemapSummary = {
  /** `urlset` lists pages, `sitemapindex` lists further sitemaps; `invalid` is neither. */
  kind: 'urlset' | 'sitemapindex' | 'invalid';
  /** Pages (urlset) or sitemaps (index) listed. */
  entryCount: number;
  /** Whether the audited page is among the listed pages (null for an index: its children are not read). */
  listsPage: boolean | null;
};

/** The sitemap protocol's shape (sitemaps.org): <urlset><url><loc> or <sitemapindex><sitemap><loc>. */
export function summariseSitemap(xml: string, pageUrl: string): SitemapSummary {
  const $ = load(xml, { xml: true });
  const root = $.root().children().first();
  const name = (root.prop('tagName') ?? '').toLowerCase().replace(/^.*:/, '');
  if (name === 'sitemapindex') {
    return { kind: 'sitemapindex', entryCount: root.children().length, listsPage: null };
  }
  if (name !== 'urlset') return { kind: 'invalid', entryCount: 0, listsPage: null };
  const page = comparable(pageUrl);
  let listsPage = false;
  const entries = root.children();
  entries.each((_, entry) => {
    const loc = $(entry)
      .children()
      .filter((_, child) => /(^|:)loc$/i.test(child.tagName))
      .first()
      .text()
      .trim();
    if (loc && comparable(loc) === page) listsPage = true;
  });
  return { kind: 'urlset', entryCount: entries.length, listsPage };
}

/** A URL without its fragment and trailing slash, so `https://a.example/x/` lists `https://a.example/x`. */
function comparable(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url.trim();
  }
}
