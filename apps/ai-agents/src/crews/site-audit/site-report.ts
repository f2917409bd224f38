import type { CrewOutcome, JsonObject, StepContext } from '../crew.ts';
import { confidence, SEVERITY_WEIGHTS, score, summarise, type Check } from './audit-report.ts';
import type { SiteSnapshot } from './crawl-site.ts';
import type { FetchAnswer } from './http-fetch.ts';
import { unansweredShare, type LinkStatus } from './link-check.ts';
import { extractPageFacts, type PageFacts } from './page-facts.ts';

/** The page's facts; a page that is not HTML (or has no body) is audited as an empty document. */
export function pageFactsOf(page: FetchAnswer): PageFacts {
  const html = /^(text\/html|application\/xhtml\+xml)/i.test(page.contentType ?? '');
  return extractPageFacts(html && page.body !== null ? page.body : '', page.finalUrl);
}

export interface AuditInput {
  /** `SEO` or `Presence`, for the summary. */
  label: string;
  url: string;
  site: SiteSnapshot;
  facts: PageFacts;
  checks: Check[];
  categoryWeights: Readonly<Record<string, number>>;
  links: readonly LinkStatus[];
}

/** The crew's outcome: the summary sentence, how much could be observed, and the report. */
export function auditOutcome(ctx: StepContext, input: AuditInput): CrewOutcome {
  const { site, checks, links } = input;
  const scores = score(checks, input.categoryWeights);
  const ok = site.page.status >= 200 && site.page.status < 300;
  const html = /^(text\/html|application\/xhtml\+xml)/i.test(site.page.contentType ?? '');
  const unknown = (fetched: { error: string | null; status: number | null }) =>
    fetched.error !== null || (fetched.status ?? 0) >= 500;
  return {
    summary: summarise(input.label, site.page.finalUrl, checks, scores),
    confidence: confidence({
      pageNotAudited: !ok || !html,
      bodyTruncated: site.page.truncated,
      robotsUnknown: unknown(site.robots),
      sitemapUnknown: unknown(site.sitemap),
      unansweredLinkShare: unansweredShare(links),
    }),
    results: report(ctx, input, scores),
  };
}

function report(ctx: StepContext, input: AuditInput, scores: ReturnType<typeof score>): JsonObject {
  const { site, facts } = input;
  const { body: _body, ...page } = site.page;
  const { links, ...pageFacts } = facts;
  const internal = links.filter((link) => link.internal).length;
  return {
    url: input.url,
    finalUrl: site.page.finalUrl,
    auditedAt: ctx.requestedAt.toISOString(),
    scores,
    weights: { categories: { ...input.categoryWeights }, severities: { ...SEVERITY_WEIGHTS } },
    checks: input.checks,
    page,
    robots: { url: site.robots.url, status: site.robots.status, error: site.robots.error },
    sitemap: site.sitemap,
    facts: { ...pageFacts, linkCounts: { internal, external: links.length - internal } },
    linksChecked: [...input.links],
  };
}
