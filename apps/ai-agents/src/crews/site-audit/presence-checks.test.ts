import { describe, expect, it } from 'vitest';
import { score } from './audit-report.ts';
import type { LinkStatus } from './link-check.ts';
import { extractPageFacts } from './page-facts.ts';
import { PRESENCE_CATEGORY_WEIGHTS, presenceChecks, presenceTargets } from './presence-checks.ts';
import { fixture, siteSnapshot } from './test-site-snapshot.ts';

const failed = (checks: { id: string; passed: boolean }[]) => checks.filter((c) => !c.passed).map((c) => c.id);
const status = (url: string, code: number): LinkStatus => ({ url, status: code, method: 'HEAD', error: null });

describe('presence audit', () => {
  const goodUrl = 'https://harbour-bakery.example/';
  const goodFacts = extractPageFacts(fixture('good.html'), goodUrl);

  it('checks the favicon and OG image first, then the profiles, up to the limit', () => {
    expect(presenceTargets(goodFacts, goodUrl, 50).urls).toEqual([
      'https://harbour-bakery.example/favicon.png',
      'https://harbour-bakery.example/images/storefront.jpg',
      'https://www.instagram.com/harbourbakery',
      'https://www.facebook.com/harbourbakery',
    ]);
    expect(presenceTargets(goodFacts, goodUrl, 2).urls).toHaveLength(2);
    const poor = extractPageFacts(fixture('poor.html'), 'http://poor.example/');
    expect(presenceTargets(poor, 'http://poor.example/', 20).urls).toEqual(['http://poor.example/favicon.ico']);
  });

  it('finds contacts, two networks, branding and business data on the good page; a dead profile is named', () => {
    const { targets, urls } = presenceTargets(goodFacts, goodUrl, 20);
    const checked = urls.map((url) => status(url, url.includes('facebook') ? 404 : 200));
    const checks = presenceChecks(siteSnapshot(goodUrl, fixture('good.html')), goodFacts, targets, checked);
    expect(failed(checks)).toEqual(['social-profiles-reachable']);
    expect(checks.find((c) => c.id === 'social-profiles')?.value).toEqual(['instagram', 'facebook']);
    expect(checks.find((c) => c.id === 'organization-data')?.value).toEqual(['Bakery', 'Organization']);
    // social: 2 + 1 of 2 + 1 + 1 = 75; overall 0.3 * 100 + 0.2 * 75 + 0.2 * 100 + 0.3 * 100 = 95.
    expect(score(checks, PRESENCE_CATEGORY_WEIGHTS)).toEqual({
      overall: 95,
      categories: { contact: 100, social: 75, brand: 100, trust: 100 },
    });
  });

  it('fails a poor page on contacts, social, branding and trust, and a /favicon.ico that is not there', () => {
    const url = 'http://poor.example/';
    const facts = extractPageFacts(fixture('poor.html'), url);
    const { targets, urls } = presenceTargets(facts, url, 20);
    const checks = presenceChecks(siteSnapshot(url, fixture('poor.html'), { sitemap: false }), facts, targets, [
      status(urls[0]!, 404),
    ]);
    expect(failed(checks)).toEqual([
      'phone',
      'email',
      'address',
      'social-profiles',
      'several-networks',
      'favicon',
      'og-image',
      'meta-description',
      'https',
      'mobile-viewport',
      'organization-data',
      'sitemap',
    ]);
    // brand: title 2 of 7 = 29; trust: status 5 + robots 1 of 16 = 38; overall 0.2 * 29 + 0.3 * 38 = 17.2.
    expect(score(checks, PRESENCE_CATEGORY_WEIGHTS)).toEqual({
      overall: 17,
      categories: { contact: 0, social: 0, brand: 29, trust: 38 },
    });
  });
});
