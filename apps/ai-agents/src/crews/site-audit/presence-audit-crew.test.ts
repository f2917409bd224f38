import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrewError, type CrewOutcome } from '../crew.ts';
import { createTestStepContext, type TestStep } from '../testing/test-step-context.ts';
import { createPresenceAuditCrew } from './index.ts';
import { loopbackOutbound, startTestSite, type TestSite } from './test-site-server.ts';

let site: TestSite;
const outbound = loopbackOutbound();
const crew = createPresenceAuditCrew({ outbound });
let first: { outcome: CrewOutcome; steps: TestStep[] };

beforeAll(async () => {
  site = await startTestSite();
  const ctx = createTestStepContext();
  const outcome = await crew.run(ctx, { url: `${site.origin}/start` }, crew.options.parse({}));
  first = { outcome, steps: ctx.steps };
});
afterAll(async () => {
  await outbound.close();
  await site.close();
});

const checkOf = (outcome: CrewOutcome, id: string) =>
  (outcome.results.checks as { id: string; passed: boolean; value?: unknown }[]).find((c) => c.id === id);

describe('presence_audit crew', () => {
  it('checks that the favicon, the OG image and the social profiles answer', () => {
    const port = site.port;
    expect(first.steps.map((step) => [step.agent, step.name])).toEqual([
      ['site-crawler', 'fetch_page'],
      ['site-crawler', 'fetch_robots'],
      ['site-crawler', 'fetch_sitemap'],
      ['presence-auditor', 'check_links'],
    ]);
    expect(first.steps[3]!.input).toEqual({
      urls: [
        `${site.origin}/favicon.png`,
        `${site.origin}/images/storefront.jpg`,
        `http://www.instagram.com:${port}/harbourbakery`,
        `http://www.facebook.com:${port}/harbourbakery`,
      ],
    });
    expect(first.steps[3]!.output).toEqual([
      { url: `${site.origin}/favicon.png`, status: 200, method: 'HEAD', error: null },
      { url: `${site.origin}/images/storefront.jpg`, status: 200, method: 'HEAD', error: null },
      { url: `http://www.instagram.com:${port}/harbourbakery`, status: 200, method: 'HEAD', error: null },
      { url: `http://www.facebook.com:${port}/harbourbakery`, status: 404, method: 'HEAD', error: null },
    ]);
  });

  it('reports contacts, networks, business data, and what is missing', () => {
    const failed = (first.outcome.results.checks as { id: string; passed: boolean }[]).filter((c) => !c.passed);
    expect(failed.map((c) => c.id)).toEqual(['social-profiles-reachable', 'https']);
    expect(checkOf(first.outcome, 'phone')?.value).toEqual(['+441174960123']);
    expect(checkOf(first.outcome, 'social-profiles')?.value).toEqual(['instagram', 'facebook']);
    expect(checkOf(first.outcome, 'organization-data')?.value).toEqual(['Bakery', 'Organization']);
    // trust: https (critical, 5) fails of 5 + 5 + 2 + 2 + 1 + 1 = 16 -> 69; social 75;
    // overall 0.3 * 100 + 0.2 * 75 + 0.2 * 100 + 0.3 * 69 = 85.7.
    expect(first.outcome.results.scores).toEqual({
      overall: 86,
      categories: { contact: 100, social: 75, brand: 100, trust: 69 },
    });
    expect(first.outcome.results.weights).toEqual({
      categories: { contact: 0.3, social: 0.2, brand: 0.2, trust: 0.3 },
      severities: { critical: 5, warning: 2, notice: 1 },
    });
    expect(first.outcome.summary).toBe(
      `Presence score 86/100 for ${site.origin}/: 2 of 16 checks failed (critical: https).`,
    );
    expect(first.outcome.confidence).toBe(100);
  });

  it('replays from its recorded steps to the same outcome without a request', async () => {
    const before = site.requests.length;
    const closed = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
    await closed.close();
    const replay = createTestStepContext({ recorded: first.steps });
    const outcome = await createPresenceAuditCrew({ outbound: closed }).run(
      replay,
      { url: `${site.origin}/start` },
      { maxLinksChecked: 20 },
    );
    expect(outcome).toEqual(first.outcome);
    expect(site.requests.length).toBe(before);
  });

  it('audits a poor page: no contacts, no profiles, no favicon at /favicon.ico', async () => {
    const outcome = await crew.run(createTestStepContext(), { url: `${site.origin}/poor` }, { maxLinksChecked: 5 });
    const failed = (outcome.results.checks as { id: string; passed: boolean }[]).filter((c) => !c.passed);
    expect(failed.map((c) => c.id)).toEqual([
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
    ]);
  });

  it('refuses a loopback site under the default address policy', async () => {
    const strict = createOutboundHttp({ policy: createAddressPolicy() });
    const failure = await createPresenceAuditCrew({ outbound: strict })
      .run(createTestStepContext(), { url: `${site.origin}/` }, { maxLinksChecked: 20 })
      .catch((error: unknown) => error);
    await strict.close();
    expect(failure).toBeInstanceOf(CrewError);
    expect(failure).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED', retryable: false });
  });
});
