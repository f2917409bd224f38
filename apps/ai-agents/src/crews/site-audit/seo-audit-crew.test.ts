import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrewError, type CrewOutcome } from '../crew.ts';
import { createTestStepContext, type TestStep } from '../testing/test-step-context.ts';
import { createSeoAuditCrew } from './index.ts';
import { loopbackOutbound, startTestSite, type TestSite } from './test-site-server.ts';

let site: TestSite;
const outbound = loopbackOutbound();
const crew = createSeoAuditCrew({ outbound });
let first: { outcome: CrewOutcome; steps: TestStep[] };

beforeAll(async () => {
  site = await startTestSite();
  const ctx = createTestStepContext();
  const outcome = await crew.run(ctx, crew.subject.parse({ url: `${site.origin}/start` }), crew.options.parse({}));
  first = { outcome, steps: ctx.steps };
});
afterAll(async () => {
  await outbound.close();
  await site.close();
});

const failedIds = (outcome: CrewOutcome) =>
  (outcome.results.checks as { id: string; passed: boolean }[]).filter((c) => !c.passed).map((c) => c.id);

describe('seo_audit crew', () => {
  it('fetches the page through its redirect, then robots.txt, the sitemap robots.txt names, and the links', () => {
    expect(first.steps.map((step) => [step.agent, step.name, step.input])).toEqual([
      ['site-crawler', 'fetch_page', { url: `${site.origin}/start` }],
      ['site-crawler', 'fetch_robots', { url: `${site.origin}/robots.txt` }],
      ['site-crawler', 'fetch_sitemap', { url: `${site.origin}/sitemap-main.xml`, pageUrl: `${site.origin}/` }],
      ['seo-auditor', 'check_links', { urls: expect.any(Array) }],
    ]);
    const port = site.port;
    // Internal links first: a broken internal link is the site's own fault.
    expect(first.steps[3]!.input).toEqual({
      urls: [
        `${site.origin}/`,
        `${site.origin}/menu`,
        `${site.origin}/order`,
        `${site.origin}/about`,
        `http://www.instagram.com:${port}/harbourbakery`,
        `http://www.bristol.gov.uk:${port}/food-hygiene`,
        `http://www.facebook.com:${port}/harbourbakery`,
        `http://www.facebook.com:${port}/sharer/sharer.php?u=https://harbour-bakery.example/`,
      ],
    });
  });

  it('reports the page, the sitemap, the broken links and plain HTTP', () => {
    const { results } = first.outcome;
    expect(results).toMatchObject({
      url: `${site.origin}/start`,
      finalUrl: `${site.origin}/`,
      auditedAt: '2026-12-01T10:00:00.000Z',
      page: { status: 200, redirects: [`${site.origin}/start`], truncated: false },
      sitemap: { source: 'robots.txt', status: 200, summary: { kind: 'urlset', entryCount: 2, listsPage: true } },
      facts: { title: 'Harbour Bakery | Sourdough and Pastries in Bristol', linkCounts: { internal: 4, external: 4 } },
    });
    expect(results.page).not.toHaveProperty('body');
    // The response time depends on the machine; every other check is fixed by the fixtures.
    expect(failedIds(first.outcome).filter((id) => id !== 'response-time')).toEqual(['https', 'broken-links']);
    const broken = (results.checks as { id: string; value: { url: string }[] }[]).find((c) => c.id === 'broken-links');
    expect(broken?.value.map((link) => link.url)).toEqual([
      `${site.origin}/about`,
      `http://www.facebook.com:${site.port}/harbourbakery`,
      `http://www.facebook.com:${site.port}/sharer/sharer.php?u=https://harbour-bakery.example/`,
    ]);
    expect(first.outcome.confidence).toBe(100);
    expect(first.outcome.summary).toMatch(
      /^SEO score \d+\/100 for http:\/\/127\.0\.0\.1:\d+\/: \d+ of 24 checks failed \(critical: https\)\.$/,
    );
  });

  it('replays from its recorded steps to the same outcome without a request', async () => {
    const before = site.requests.length;
    const replay = createTestStepContext({ recorded: first.steps });
    const closed = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
    await closed.close();
    const outcome = await createSeoAuditCrew({ outbound: closed }).run(
      replay,
      { url: `${site.origin}/start` },
      { maxLinksChecked: 20 },
    );
    expect(outcome).toEqual(first.outcome);
    expect(replay.steps).toEqual(first.steps);
    expect(site.requests.length).toBe(before);
  });

  it('reads robots.txt and the sitemap of the host the page redirected to', async () => {
    const ctx = createTestStepContext();
    await crew.run(ctx, { url: `${site.origin}/www` }, { maxLinksChecked: 0 });
    const moved = `http://www.harbour-bakery.example:${site.port}`;
    expect(ctx.steps.map((step) => step.input)).toEqual([
      { url: `${site.origin}/www` },
      { url: `${moved}/robots.txt` },
      { url: `${moved}/sitemap-main.xml`, pageUrl: `${moved}/` },
    ]);
  });

  it('checks no link when maxLinksChecked is 0', async () => {
    const ctx = createTestStepContext();
    const outcome = await crew.run(ctx, { url: `${site.origin}/` }, crew.options.parse({ maxLinksChecked: 0 }));
    expect(ctx.steps.map((step) => step.name)).toEqual(['fetch_page', 'fetch_robots', 'fetch_sitemap']);
    expect(failedIds(outcome)).not.toContain('broken-links');
  });

  it('refuses a loopback site under the default address policy, naming the rule', async () => {
    const strict = createOutboundHttp({ policy: createAddressPolicy() });
    const ctx = createTestStepContext();
    const before = site.requests.length;
    const failure = await createSeoAuditCrew({ outbound: strict })
      .run(ctx, { url: `${site.origin}/` }, { maxLinksChecked: 20 })
      .catch((error: unknown) => error);
    await strict.close();
    expect(failure).toBeInstanceOf(CrewError);
    expect(failure).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED', retryable: false });
    expect((failure as Error).message).toContain('127.0.0.1 is a loopback address');
    expect(ctx.steps).toEqual([]);
    expect(site.requests.length).toBe(before);
  });

  it('fails with SITE_UNREACHABLE: retryable for a closed port, not for a redirect loop', async () => {
    const run = (url: string) =>
      crew.run(createTestStepContext(), { url }, { maxLinksChecked: 0 }).catch((error: unknown) => error);
    expect(await run('http://127.0.0.1:1/')).toMatchObject({ code: 'SITE_UNREACHABLE', retryable: true });
    expect(await run(`${site.origin}/loop`)).toMatchObject({ code: 'SITE_UNREACHABLE', retryable: false });
  });

  it('accepts only an http(s) URL and known options', () => {
    expect(crew.subject.safeParse({ url: 'ftp://a.example/' }).success).toBe(false);
    expect(crew.subject.safeParse({ url: 'https://a.example/', extra: 1 }).success).toBe(false);
    expect(crew.options.safeParse({ maxLinksChecked: 51 }).success).toBe(false);
    expect(crew.options.safeParse({ depth: 2 }).success).toBe(false);
    expect(crew.options.parse({})).toEqual({ maxLinksChecked: 20 });
  });
});
