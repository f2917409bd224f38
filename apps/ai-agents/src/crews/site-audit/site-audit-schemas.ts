import { z } from 'zod';

/** The site to audit: one page, by its http(s) URL (the address policy judges it when fetched). */
export const siteAuditSubject = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
});

export const siteAuditOptions = z.strictObject({
  /** Links (SEO) or profile and asset URLs (presence) fetched to see that they answer; 0 checks none. */
  maxLinksChecked: z.int().min(0).max(50).default(20),
});

export type SiteAuditSubject = z.output<typeof siteAuditSubject>;
export type SiteAuditOptions = z.output<typeof siteAuditOptions>;
