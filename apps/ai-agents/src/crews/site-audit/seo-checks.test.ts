import { describe, expect, it } from 'vitest';
import { score } from './audit-report.ts';
import type { LinkStatus } from './link-check.ts';
import { extractPageFacts } from './page-facts.ts';
import { SEO_CATEGORY_WEIGHTS, seoChecks } from './seo-checks.ts';
import { fixture, siteSnapshot } from './test-site-snapshot.ts';

const failed = (checks: { id: string; passed: boolean }[]) => checks.filter((c) => !c.passed).map((c) => c.id);
const ok = (url: string): LinkStatus => ({ url, status: 200, method: 'HEAD', error: null });

describe('seoChecks', () => {
  it('passes every check of the good page, scoring 100', () => {
    const site = siteSnapshot('https://harbour-bakery.example/', fixture('good.html'));
    const facts = extractPageFacts(fixture('good.html'), site.page.finalUrl);
    const checks = seoChecks(
      site,
      facts,
      facts.links.map((link) => ok(link.url)),
    );
    expect(failed(checks)).toEqual([]);
    expect(checks).toHaveLength(24);
    expect(score(checks, SEO_CATEGORY_WEIGHTS)).toEqual({
      overall: 100,
      categories: { crawlability: 100, content: 100, technical: 100, links: 100 },
    });
  });

  it('names what is wrong with the poor page and scores it low', () => {
    const site = siteSnapshot('http://poor.example/', fixture('poor.html'), {
      page: { timeToHeadersMs: 2400, redirects: ['http://poor.example/index', 'http://poor.example/home'] },
      robots: 'User-agent: *\nDisallow: /\n',
      sitemap: false,
    });
    const facts = extractPageFacts(fixture('poor.html'), site.page.finalUrl);
    const links: LinkStatus[] = [
      ok('http://poor.example/contact.html'),
      { url: 'http://poor.example/missing-page', status: 404, method: 'HEAD', error: null },
      { url: 'https://twitter.com/intent/tweet?text=hi', status: 403, method: 'GET', error: null },
    ];
    const checks = seoChecks(site, facts, links);
    expect(failed(checks)).toEqual([
      'redirects',
      'robots-allows-page',
      'indexable',
      'canonical',
      'sitemap',
      'title-length',
      'meta-description',
      'meta-description-length',
      'single-h1',
      'heading-outline',
      'image-alt',
      'lang',
      'https',
      'viewport',
      'response-time',
      'structured-data',
      'json-ld-valid',
      'open-graph',
      'twitter-card',
      'broken-links',
    ]);
    expect(checks.find((c) => c.id === 'robots-allows-page')?.message).toBe(
      'robots.txt blocks the page (Disallow: /).',
    );
    expect(checks.find((c) => c.id === 'heading-outline')?.message).toBe('The outline skips a level: h1 -> h4.');
    expect(checks.find((c) => c.id === 'broken-links')?.value).toEqual([
      { url: 'http://poor.example/missing-page', status: 404, error: null },
    ]);
    // crawlability: status 5 + type 5 pass of 5+5+1+5+5+2+2 = 10/25; content: title 5 of
    // 5+2+2+1+2+1+2+2 = 5/17; overall 40 * 0.35 + 29 * 0.3 + 0 * 0.2 + 33 * 0.15 = 27.65.
    expect(score(checks, SEO_CATEGORY_WEIGHTS)).toEqual({
      overall: 28,
      categories: { crawlability: 40, content: 29, technical: 0, links: 33 },
    });
  });

  it('finds a heading that skips one level', () => {
    const url = 'https://a.example/';
    const html = '<html><body><h1>A</h1><h2>B</h2><h4>C</h4><h2>D</h2></body></html>';
    const outline = seoChecks(siteSnapshot(url, html), extractPageFacts(html, url), null).find(
      (c) => c.id === 'heading-outline',
    );
    expect(outline).toMatchObject({ passed: false, message: 'The outline skips a level: h2 -> h4.' });
  });

  it('reads a missing robots.txt as allowed, an unreachable one as disallowed, and X-Robots-Tag as noindex', () => {
    const html = fixture('good.html');
    const url = 'https://harbour-bakery.example/';
    const missing = siteSnapshot(url, html, { robots: null, page: { headers: { 'x-robots-tag': 'none' } } });
    const facts = extractPageFacts(html, url);
    expect(failed(seoChecks(missing, facts, null))).toEqual(['indexable']);
    const unreachable = siteSnapshot(url, html);
    unreachable.robots = { url: `${url}robots.txt`, status: 503, error: null, text: null };
    expect(failed(seoChecks(unreachable, facts, null))).toEqual(['robots-allows-page']);
  });
});
