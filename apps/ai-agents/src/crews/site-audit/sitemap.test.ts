import { describe, expect, it } from 'vitest';
import { summariseSitemap } from './sitemap.ts';

describe('summariseSitemap', () => {
  it('counts a urlset and finds the page, trailing slash or not', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://shop.example/</loc><lastmod>2026-11-01</lastmod></url>
        <url><loc> https://shop.example/menu/ </loc></url>
      </urlset>`;
    expect(summariseSitemap(xml, 'https://shop.example/menu')).toEqual({
      kind: 'urlset',
      entryCount: 2,
      listsPage: true,
    });
    expect(summariseSitemap(xml, 'https://shop.example/about')).toEqual({
      kind: 'urlset',
      entryCount: 2,
      listsPage: false,
    });
  });

  it('counts the sitemaps of an index without reading them', () => {
    const xml = `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://shop.example/a.xml</loc></sitemap><sitemap><loc>https://shop.example/b.xml</loc></sitemap>
      </sitemapindex>`;
    expect(summariseSitemap(xml, 'https://shop.example/')).toEqual({
      kind: 'sitemapindex',
      entryCount: 2,
      listsPage: null,
    });
  });

  it('calls an HTML page served at /sitemap.xml invalid', () => {
    expect(summariseSitemap('<!doctype html><html><body>Not found</body></html>', 'https://shop.example/').kind).toBe(
      'invalid',
    );
  });
});
