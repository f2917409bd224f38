// The audits as a tenant asks for them: POST /analyses, run by the service's runner with its own
// outbound helper (the development policy allows loopback; the default one refuses it).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { analysisWhen, statusIs } from '../../runs/testing/run-fixtures.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../../test-support.ts';
import { startTestSite, type TestSite } from './test-site-server.ts';

const noLlm = async () => ({ llm: null, prices: null, approvalTimeoutMs: 60_000, monthlyTokenQuota: 0 });

describe('site audits requested through the API', () => {
  let site: TestSite;
  let t: TestApp;
  let guarded: TestApp;
  beforeAll(async () => {
    site = await startTestSite();
    t = await startTestApp({}, { settings: noLlm });
    guarded = await startTestApp({ OUTBOUND_ALLOWED_CIDRS: '' }, { settings: noLlm });
  });
  afterAll(async () => {
    await Promise.allSettled([t?.close(), guarded?.close()]);
    await site?.close();
  });

  const audit = async (app: TestApp, analysisType: string) => {
    const { headers } = await tenantCaller(app.key);
    const accepted = await app.app.inject({
      method: 'POST',
      url: '/api/v1/agents/analyses',
      headers,
      payload: { analysisType, subject: { url: `${site.origin}/` }, options: { maxLinksChecked: 5 } },
    });
    expect(accepted.statusCode).toBe(202);
    return { id: accepted.json().id as string, headers };
  };

  it('audits a site for SEO and presence without an LLM, every fetch a recorded step', async () => {
    for (const type of ['seo_audit', 'presence_audit']) {
      const { id, headers } = await audit(t, type);
      const done = await analysisWhen(t, headers, id, statusIs('completed'));
      const result = done.result as { url: string; scores: { overall: number } };
      expect(result.url).toBe(`${site.origin}/`);
      expect(result.scores.overall).toBeGreaterThan(0);
      const steps = done.steps as { kind: string; agent: string; name: string }[];
      expect(steps.slice(0, 3).map((s) => `${s.agent}/${s.name}`)).toEqual([
        'site-crawler/fetch_page',
        'site-crawler/fetch_robots',
        'site-crawler/fetch_sitemap',
      ]);
      expect(steps.every((s) => s.kind === 'tool')).toBe(true);
    }
  });

  it('refuses a loopback site under the default outbound policy, and the site hears nothing', async () => {
    const before = site.requests.length;
    const { id, headers } = await audit(guarded, 'seo_audit');
    const failed = await analysisWhen(guarded, headers, id, statusIs('failed'));
    expect(failed.error).toMatchObject({ code: 'OUTBOUND_ADDRESS_REFUSED', retryable: false });
    expect(site.requests.length).toBe(before);
  });
});
