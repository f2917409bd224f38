import { z } from 'zod';
import { nurturingOf, qualificationOf, type LeadState } from './lead.ts';
import { InteractionKind, LeadSource, LeadStatus, UtmParameters } from './lead-values.ts';

const nullableScore = z.number().nullable();
export const leadViewSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: LeadStatus,
  contact: z.object({
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    jobTitle: z.string().nullable(),
  }),
  source: LeadSource,
  utmParameters: z.object(UtmParameters.shape),
  campaignId: z.uuid().nullable(),
  score: z
    .object({
      totalScore: nullableScore,
      behavioralScore: nullableScore,
      demographicScore: nullableScore,
      firmographicScore: nullableScore,
    })
    .nullable(),
  qualifiedBy: z.uuid().nullable(),
  qualifiedAt: z.string().nullable(),
  customerId: z.uuid().nullable(),
  conversionValue: z.string().nullable().describe('decimal string'),
  currency: z.string().nullable(),
  closedReason: z.string().nullable(),
  interactionCount: z.number().int(),
  lastInteractionAt: z.string().nullable(),
  lastInteractionKind: InteractionKind.nullable().optional(),
  /** Not sales-ready yet: marked for nurturing (a low AI score or by hand) and not qualified since. */
  nurturing: z.boolean(),
  nurturingSince: z.string().nullable(),
});
export type LeadView = z.infer<typeof leadViewSchema>;

export function leadView(state: LeadState, id: string, version: number): LeadView {
  if (state.status === 'none') throw new Error('leadView of a lead that does not exist');
  const { contact, source, utmParameters, campaignId, score, interactionCount, lastInteractionAt, status } = state;
  const qualification = qualificationOf(state);
  const nurturing = nurturingOf(state);
  return {
    id,
    version,
    status,
    contact,
    source,
    utmParameters,
    campaignId,
    score,
    interactionCount,
    lastInteractionAt,
    qualifiedBy: qualification?.qualifiedBy ?? null,
    qualifiedAt: qualification?.qualifiedAt ?? null,
    customerId: state.status === 'converted' ? state.customerId : null,
    conversionValue: state.status === 'converted' ? state.conversionValue.amount : null,
    currency: state.status === 'converted' ? state.conversionValue.currency : null,
    closedReason: state.status === 'disqualified' || state.status === 'lost' ? state.closedReason : null,
    nurturing: nurturing !== null,
    nurturingSince: nurturing?.since ?? null,
  };
}
