import { z } from 'zod';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, requireOpen, type LeadCommand } from '../lead-rules.ts';
import { LeadScore } from '../lead-values.ts';

export const scoreLeadData = z.strictObject({
  leadId: z.uuid(),
  score: LeadScore.schema,
  method: z.enum(['ai', 'manual']).default('manual'),
  analysisId: z.uuid().nullable().default(null),
});
export type ScoreLead = LeadCommand<'lead.score', z.output<typeof scoreLeadData>>;

/** Re-scoring keeps the status; only open leads are scored. The same score again is a repeat. */
export function scoreLead(command: ScoreLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  requireOpen(lead, 'lead.score.requires_open', 'score', command.data.leadId);
  const score = LeadScore.create(command.data.score, { path: 'score' });
  if (lead.score && LeadScore.equals(lead.score as never, score)) return [];
  return [
    {
      type: 'lead.scored',
      data: { score: { ...score }, method: command.data.method, analysisId: command.data.analysisId },
    },
  ];
}
