import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinks, isBroken, LINK_CONCURRENCY } from './link-check.ts';
import { loopbackOutbound, startTestSite, type TestSite } from './test-site-server.ts';

let site: TestSite;
const outbound = loopbackOutbound();
const signal = new AbortController().signal;

beforeAll(async () => {
  site = await startTestSite();
});
afterAll(async () => {
  await outbound.close();
  await site.close();
});

describe('checkLinks', () => {
  it('uses HEAD, falls back to GET on 405, follows redirects, and keeps the order of the URLs', async () => {
    const urls = [
      `${site.origin}/order`,
      `${site.origin}/about`,
      `${site.origin}/start`,
      'http://www.facebook.com:1/x',
    ];
    const results = await checkLinks(outbound, urls, signal);
    expect(results).toEqual([
      { url: urls[0], status: 200, method: 'GET', error: null },
      { url: urls[1], status: 404, method: 'HEAD', error: null },
      { url: urls[2], status: 200, method: 'HEAD', error: null },
      { url: urls[3], status: null, method: 'HEAD', error: 'CONNECTION_REFUSED' },
    ]);
    expect(results.map(isBroken)).toEqual([false, true, false, true]);
    expect(site.requests.filter((r) => r.path === '/order').map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it(`has at most ${LINK_CONCURRENCY} requests in flight`, async () => {
    const urls = Array.from({ length: 12 }, (_, index) => `${site.origin}/slow/${index}`);
    const results = await checkLinks(outbound, urls, signal);
    expect(results.map((result) => result.status)).toEqual(urls.map(() => 200));
    expect(site.maxInFlight()).toBeLessThanOrEqual(LINK_CONCURRENCY);
    expect(site.maxInFlight()).toBeGreaterThan(1);
  });

  it('does not count 403, 429 or a link the address policy would not fetch as broken', () => {
    const link = { url: 'https://a.example/', method: 'HEAD' as const };
    expect(isBroken({ ...link, status: 403, error: null })).toBe(false);
    expect(isBroken({ ...link, status: 429, error: null })).toBe(false);
    expect(isBroken({ ...link, status: null, error: 'ADDRESS_REFUSED' })).toBe(false);
    expect(isBroken({ ...link, status: 503, error: null })).toBe(true);
    expect(isBroken({ ...link, status: null, error: 'TIMEOUT' })).toBe(true);
  });
});
