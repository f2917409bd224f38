import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireStatus, type LeadCommand } from '../lead-rules.ts';

const percent = z.number().int().min(0).max(100);
export const markLeadForNurturingData = z.strictObject({
  leadId: z.uuid(),
  reason: z.enum(['score_below_threshold', 'manual']).default('manual'),
  /** The score and the threshold it fell below (a score-driven mark); null when a person decides. */
  totalScore: percent.nullable().default(null),
  threshold: percent.nullable().default(null),
  analysisId: z.uuid().nullable().default(null),
});
export type MarkLeadForNurturing = LeadCommand<'lead.mark_for_nurturing', z.output<typeof markLeadForNurturingData>>;

/**
 * A lead not sales-ready yet (new or contacted) goes to nurturing; a lead already in nurturing
 * stays as it is (no event, its `since` kept). Qualified and closed leads are past nurturing.
 */
export function markLeadForNurturing(command: MarkLeadForNurturing, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireStatus(lead, ['new', 'contacted'], 'lead.nurture.requires_new_or_contacted', 'nurture', command.data.leadId);
  if ('nurturing' in lead && lead.nurturing !== null) return [];
  const { reason, totalScore, threshold, analysisId } = command.data;
  return [
    {
      type: 'lead.marked_for_nurturing',
      data: { reason, totalScore, threshold, analysisId, markedAt: command.metadata.now.toISOString() },
    },
  ];
}
