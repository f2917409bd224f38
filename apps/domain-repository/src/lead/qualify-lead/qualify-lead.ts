import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireStatus, type LeadCommand } from '../lead-rules.ts';
import { LeadScore } from '../lead-values.ts';

export const qualifyLeadData = z.strictObject({
  leadId: z.uuid(),
  score: LeadScore.schema,
  method: z.enum(['ai', 'manual']).default('manual'),
  analysisId: z.uuid().nullable().default(null),
  notes: z.string().max(2000).nullable().default(null),
});
export type QualifyLead = LeadCommand<'lead.qualify', z.output<typeof qualifyLeadData>>;

/** new or contacted -> qualified, recording the score, who (the actor) and when (the command's time). */
export function qualifyLead(command: QualifyLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireStatus(lead, ['new', 'contacted'], 'lead.qualify.requires_new_or_contacted', 'qualify', command.data.leadId);
  const { actor, now } = command.metadata;
  return [
    {
      type: 'lead.qualified',
      data: {
        score: { ...LeadScore.create(command.data.score, { path: 'score' }) },
        method: command.data.method,
        analysisId: command.data.analysisId,
        notes: command.data.notes,
        qualifiedBy: actor?.type === 'user' ? actor.id : null,
        qualifiedAt: now.toISOString(),
      },
    },
  ];
}
