import { describe, expect, it } from 'vitest';
import { parseRobotsTxt, robotsAllows } from './robots-txt.ts';

const robots = parseRobotsTxt(`# shop
User-agent: *
Disallow: /private
Allow: /private/press
Disallow: /*.pdf$
Disallow:

User-agent: Googlebot
User-agent: bingbot
Disallow: /search

Sitemap: https://shop.example/sitemap_index.xml
sitemap: https://shop.example/extra.xml
`);

describe('robots.txt', () => {
  it('groups consecutive user-agent lines and collects every sitemap', () => {
    expect(robots.sitemaps).toEqual(['https://shop.example/sitemap_index.xml', 'https://shop.example/extra.xml']);
    expect(robots.groups.map((group) => group.agents)).toEqual([['*'], ['googlebot', 'bingbot']]);
  });

  it('lets the longest matching rule win, Allow over Disallow', () => {
    expect(robotsAllows(robots, 'someone', '/private/x')).toEqual({ allowed: false, rule: 'Disallow: /private' });
    expect(robotsAllows(robots, 'someone', '/private/press/1')).toEqual({
      allowed: true,
      rule: 'Allow: /private/press',
    });
    expect(robotsAllows(robots, 'someone', '/docs/a.pdf')).toEqual({ allowed: false, rule: 'Disallow: /*.pdf$' });
    expect(robotsAllows(robots, 'someone', '/docs/a.pdf?x=1').allowed).toBe(true);
  });

  it('judges a named crawler by its own group only', () => {
    expect(robotsAllows(robots, 'Googlebot', '/private/x')).toEqual({ allowed: true, rule: null });
    expect(robotsAllows(robots, 'bingbot', '/search?q=1')).toEqual({ allowed: false, rule: 'Disallow: /search' });
  });

  it('allows everything when no group applies', () => {
    expect(robotsAllows(parseRobotsTxt('User-agent: other\nDisallow: /'), 'googlebot', '/')).toEqual({
      allowed: true,
      rule: null,
    });
  });
});
