import type { OutboundHttp } from '@bizosaas/outbound-http';
import type { Crew } from '../crew.ts';
import { answered, CRAWLER_AGENT, crawlSite } from './crawl-site.ts';
import { checkLinks, type LinkStatus } from './link-check.ts';
import { PRESENCE_CATEGORY_WEIGHTS, presenceChecks, presenceTargets } from './presence-checks.ts';
import { siteAuditOptions, siteAuditSubject } from './site-audit-schemas.ts';
import { auditOutcome, pageFactsOf } from './site-report.ts';

const PRESENCE_AGENT = 'presence-auditor';

/**
 * The presence_audit crew: how a business shows itself on its site. The crawler fetches the page,
 * robots.txt and the sitemap; the auditor checks that the favicon, the OG image and the linked
 * social profiles answer (up to `maxLinksChecked` of them) and judges contact details, social
 * reach, branding and trust signals. No LLM.
 */
export function createPresenceAuditCrew(deps: {
  outbound: OutboundHttp;
}): Crew<typeof siteAuditSubject, typeof siteAuditOptions> {
  return {
    kind: 'presence_audit',
    name: 'presence-audit-crew',
    version: '1.0.0',
    agents: [CRAWLER_AGENT, PRESENCE_AGENT],
    subject: siteAuditSubject,
    options: siteAuditOptions,
    requiresLlm: false,
    async run(ctx, subject, options) {
      const site = await crawlSite(ctx, deps.outbound, subject.url);
      const facts = pageFactsOf(site.page);
      const { targets, urls } = presenceTargets(facts, site.page.finalUrl, options.maxLinksChecked);
      const links: LinkStatus[] =
        urls.length === 0
          ? []
          : answered(
              await ctx.tool(PRESENCE_AGENT, 'check_links', { urls }, (signal) =>
                checkLinks(deps.outbound, urls, signal),
              ),
            );
      return auditOutcome(ctx, {
        label: 'Presence',
        url: subject.url,
        site,
        facts,
        checks: presenceChecks(site, facts, targets, links),
        categoryWeights: PRESENCE_CATEGORY_WEIGHTS,
        links,
      });
    },
  };
}
