import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { Crew } from '../crew.ts';
import { answered, CRAWLER_AGENT, crawlSite } from './crawl-site.ts';
import { checkLinks, type LinkStatus } from './link-check.ts';
import type { PageFacts } from './page-facts.ts';
import { SEO_CATEGORY_WEIGHTS, seoChecks } from './seo-checks.ts';
import { siteAuditOptions, siteAuditSubject } from './site-audit-schemas.ts';
import { auditOutcome, pageFactsOf } from './site-report.ts';

const SEO_AGENT = 'seo-auditor';

/**
 * The seo_audit crew: the crawler fetches the page, robots.txt and the sitemap; the auditor
 * checks up to `maxLinksChecked` of the page's links (internal ones first: a broken internal link
 * is the site's own fault) and judges the page. No LLM: the audit is rules over what was fetched.
 */
export function createSeoAuditCrew(deps: {
  outbound: OutboundHttp;
}): Crew<typeof siteAuditSubject, typeof siteAuditOptions> {
  return {
    kind: 'seo_audit',
    name: 'seo-audit-crew',
    version: '1.0.0',
    agents: [CRAWLER_AGENT, SEO_AGENT],
    subject: siteAuditSubject,
    options: siteAuditOptions,
    requiresLlm: false,
    async run(ctx, subject, options) {
      const site = await crawlSite(ctx, deps.outbound, subject.url);
      const facts = pageFactsOf(site.page);
      const urls = linksToCheck(facts, options.maxLinksChecked);
      const links: LinkStatus[] | null =
        urls.length === 0
          ? null
          : answered(
              await ctx.tool(SEO_AGENT, 'check_links', { urls }, (signal) => checkLinks(deps.outbound, urls, signal)),
            );
      const checks = seoChecks(site, facts, links);
      return auditOutcome(ctx, {
        label: 'SEO',
        url: subject.url,
        site,
        facts,
        checks,
        categoryWeights: SEO_CATEGORY_WEIGHTS,
        links: links ?? [],
      });
    },
  };
}

function linksToCheck(facts: PageFacts, max: number): string[] {
  const ordered = [...facts.links.filter((link) => link.internal), ...facts.links.filter((link) => !link.internal)];
  return ordered.slice(0, max).map((link) => link.url);
}
