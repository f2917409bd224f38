import type { PlatformClient } from '@bizosaas/platform-client';
import { CrewError } from '../crew.ts';
import { interactionsAnswer, leadViewAnswer, type LeadFacts } from './lead-scoring-schemas.ts';
import { platformFailure, refusedWith } from '../platform-failure.ts';

export interface LeadRead {
  tenantId: string;
  leadId: string;
  correlationId: string;
  signal: AbortSignal;
}

/**
 * A lead's facts from domain-repository: its view and, where the route exists, its newest page of
 * interactions. A 404 of the interactions after the view was found means the route is not there
 * (an older domain-repository): the view's count and last interaction stand in.
 */
export async function readLeadFacts(domain: PlatformClient, read: LeadRead): Promise<LeadFacts> {
  const { tenantId, leadId, signal, correlationId } = read;
  const path = `/api/v1/leads/${encodeURIComponent(leadId)}`;
  let view;
  try {
    view = leadViewAnswer.parse(await domain.get(tenantId, path, 200, signal, { correlationId }));
  } catch (error) {
    if (refusedWith(error, 404)) throw new CrewError('SUBJECT_NOT_FOUND', `lead ${leadId} does not exist`, false);
    throw platformFailure(error);
  }
  let interactions: LeadFacts['interactions'] = null;
  try {
    const page = await domain.get(tenantId, `${path}/interactions?limit=100`, 200, signal, { correlationId });
    interactions = interactionsAnswer.parse(page).items.map((item) => ({ kind: item.kind, at: item.interactedAt }));
  } catch (error) {
    if (!refusedWith(error, 404)) throw platformFailure(error);
  }
  const { contact } = view;
  return {
    leadId: view.id,
    status: view.status,
    source: view.source,
    emailDomain: contact.email.slice(contact.email.lastIndexOf('@') + 1).toLowerCase(),
    fullName: contact.firstName !== null && contact.lastName !== null,
    hasPhone: contact.phone !== null,
    hasCompany: contact.company !== null,
    jobTitle: contact.jobTitle?.slice(0, 200) ?? null,
    hasUtm: Object.values(view.utmParameters).some((value) => value !== undefined && value !== ''),
    campaignAttributed: view.campaignId !== null,
    interactionCount: view.interactionCount,
    lastInteractionAt: view.lastInteractionAt,
    lastInteractionKind: view.lastInteractionKind ?? null,
    interactions,
  };
}
