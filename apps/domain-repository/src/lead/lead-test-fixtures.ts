import type { CommandMetadata } from '@bizosaas/ddd-kernel';
import type { LeadEvent } from './lead.ts';

/** Shared givens of the lead decider tests (not used by production code). */
export const leadId = '0192f5a3-9d2e-7c4b-8a11-000000000001';
export const customerId = '0192f5a3-9d2e-7c4b-8a11-000000000002';
export const userId = '0192f5a3-9d2e-7c4b-8a11-000000000003';
export const tenantId = '0192f5a3-9d2e-7c4b-8a11-000000000004';
export const now = new Date('2025-03-01T10:00:00.000Z');
export const metadata: CommandMetadata = { now, tenantId, actor: { type: 'user', id: userId } };

export const contact = {
  email: 'john.doe@example.com',
  firstName: 'John',
  lastName: 'Doe',
  phone: null,
  company: 'Example Corp',
  jobTitle: null,
};
export const score = { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: 60 };

export const created: LeadEvent = {
  type: 'lead.created',
  data: { contact, source: 'website_form', utmParameters: { utmCampaign: 'spring_promotion' }, campaignId: null },
};
export const contacted: LeadEvent = { type: 'lead.contacted', data: { channel: 'call', notes: null } };
export const qualified: LeadEvent = {
  type: 'lead.qualified',
  data: { score, method: 'manual', analysisId: null, notes: null, qualifiedBy: userId, qualifiedAt: now.toISOString() },
};
export const converted: LeadEvent = {
  type: 'lead.converted',
  data: { customerId, conversionValue: '5000.00', currency: 'USD' },
};
export const disqualified: LeadEvent = {
  type: 'lead.disqualified',
  data: { reason: 'No budget', previousStatus: 'new' },
};
export const lost: LeadEvent = { type: 'lead.lost', data: { reason: 'Went elsewhere', previousStatus: 'new' } };
