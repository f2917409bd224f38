import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractPageFacts } from './page-facts.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('extractPageFacts', () => {
  it('reads the head, outline, links, contacts and structured data of a well-made page', () => {
    const facts = extractPageFacts(fixture('good.html'), 'https://harbour-bakery.example/');
    expect(facts).toMatchObject({
      title: 'Harbour Bakery | Sourdough and Pastries in Bristol',
      canonical: 'https://harbour-bakery.example/',
      robotsMeta: 'index, follow',
      lang: 'en-GB',
      viewport: 'width=device-width, initial-scale=1',
      h1Count: 1,
      imageCount: 2,
      imagesWithoutAltCount: 0,
      favicon: 'https://harbour-bakery.example/favicon.png',
      phones: ['+441174960123'],
      emails: ['hello@harbour-bakery.example'],
      hasAddress: true,
      socialProfiles: [
        { network: 'instagram', url: 'https://www.instagram.com/harbourbakery' },
        { network: 'facebook', url: 'https://www.facebook.com/harbourbakery' },
      ],
    });
    expect(facts.metaDescription).toHaveLength(139);
    expect(facts.headings.map((heading) => `h${heading.level} ${heading.text}`)).toEqual([
      'h1 Harbour Bakery',
      'h2 Our bread',
      'h3 Sourdough',
      'h3 Rye',
      'h2 Visit us',
    ]);
    expect(facts.openGraph).toMatchObject({ 'og:title': 'Harbour Bakery', 'og:image': '/images/storefront.jpg' });
    expect(facts.twitter).toEqual({ 'twitter:card': 'summary_large_image', 'twitter:site': '@harbourbakery' });
    expect(facts.structuredData).toMatchObject({
      jsonLdBlocks: 2,
      invalidJsonLdBlocks: 0,
      jsonLdTypes: ['Bakery', 'PostalAddress', 'Organization'],
    });
  });

  it('keeps each http(s) link once, without fragments, and tells internal from external', () => {
    const facts = extractPageFacts(fixture('good.html'), 'https://www.harbour-bakery.example/');
    expect(
      facts.links.map((link) => [link.url.replace('https://www.harbour-bakery.example', ''), link.internal]),
    ).toEqual([
      ['https://www.instagram.com/harbourbakery', false],
      ['/', true],
      ['/menu', true],
      ['/order', true],
      ['/about', true],
      ['https://www.bristol.gov.uk/food-hygiene', false],
      ['https://www.facebook.com/harbourbakery', false],
      ['https://www.facebook.com/sharer/sharer.php?u=https://harbour-bakery.example/', false],
    ]);
  });

  it('finds what a poor page lacks: description, lang, viewport, alt text, valid JSON-LD, contacts', () => {
    const facts = extractPageFacts(fixture('poor.html'), 'http://poor.example/services/');
    expect(facts).toMatchObject({
      title: 'Home',
      metaDescription: null,
      canonical: null,
      robotsMeta: 'noindex',
      lang: null,
      viewport: null,
      h1Count: 2,
      imageCount: 2,
      imagesWithoutAltCount: 2,
      imagesWithoutAlt: ['banner.jpg', '/img/team.png'],
      favicon: null,
      phones: [],
      emails: [],
      hasAddress: false,
      socialProfiles: [],
      openGraph: {},
    });
    expect(facts.structuredData).toMatchObject({ jsonLdBlocks: 1, invalidJsonLdBlocks: 1, jsonLdTypes: [] });
    expect(facts.links.map((link) => link.url)).toEqual([
      'http://poor.example/services/contact.html',
      'http://poor.example/missing-page',
      'https://twitter.com/intent/tweet?text=hi',
    ]);
  });

  it('resolves relative URLs against <base href> and reads microdata types', () => {
    const html = `<html><head><base href="https://cdn.example/site/"><link rel="shortcut icon" href="i.ico"></head>
      <body itemscope itemtype="https://schema.org/LocalBusiness"><span itemprop="address">1 Main St</span>
      <a href="page">p</a></body></html>`;
    const facts = extractPageFacts(html, 'https://www.example.com/');
    expect(facts.favicon).toBe('https://cdn.example/site/i.ico');
    expect(facts.links).toEqual([{ url: 'https://cdn.example/site/page', internal: false, nofollow: false }]);
    expect(facts.structuredData.microdataTypes).toEqual(['https://schema.org/LocalBusiness']);
    expect(facts.hasAddress).toBe(true);
  });
});
