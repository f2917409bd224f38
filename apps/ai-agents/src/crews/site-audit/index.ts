export { createPresenceAuditCrew } from './presence-audit-crew.ts';
export { createSeoAuditCrew } from './seo-audit-crew.ts';
export { siteAuditOptions, siteAuditSubject } from './site-audit-schemas.ts';
