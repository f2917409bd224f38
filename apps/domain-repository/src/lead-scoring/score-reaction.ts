import { z } from 'zod';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { MarkLeadForNurturing } from '../lead/mark-lead-for-nurturing/mark-lead-for-nurturing.ts';
import type { QualifyLead } from '../lead/qualify-lead/qualify-lead.ts';
import type { LeadScoringPolicy } from './lead-scoring-policy.ts';

const part = z.number().int().min(0).max(100);
/** What ai-agents puts in `results` of a lead_scoring analysis (other fields are its own). */
const leadScoringResults = z.object({
  leadId: z.uuid(),
  score: z.object({ totalScore: part, behavioralScore: part, demographicScore: part, firmographicScore: part }),
});

/** A lead's AI score as an `ai.analysis_completed` of `lead_scoring` reports it. */
export interface ScoredLead {
  readonly leadId: string;
  readonly analysisId: string;
  readonly score: z.output<typeof leadScoringResults>['score'];
}

/**
 * The scored lead an event reports: `ignored` for any other event or analysis type, `invalid`
 * (with the reason) for a lead-scoring result without a lead id and a complete score.
 */
export function scoredLeadOf(
  event: DomainEvent,
): { kind: 'scored'; lead: ScoredLead } | { kind: 'ignored' } | { kind: 'invalid'; reason: string } {
  if (event.type !== 'ai.analysis_completed' || event.data.analysisType !== 'lead_scoring') return { kind: 'ignored' };
  const parsed = leadScoringResults.safeParse(event.data.results);
  if (!parsed.success) return { kind: 'invalid', reason: z.prettifyError(parsed.error) };
  return { kind: 'scored', lead: { ...parsed.data, analysisId: event.aggregateId } };
}

/** The command the policy calls for, or none (a sales-ready lead the tenant qualifies by hand). */
export type ScoreReaction =
  | { readonly type: 'lead.qualify'; readonly data: QualifyLead['data'] }
  | { readonly type: 'lead.mark_for_nurturing'; readonly data: MarkLeadForNurturing['data'] }
  | { readonly type: 'none'; readonly reason: string };

/**
 * At or above the threshold the lead is qualified when autoQualify is on; with it off the score
 * (already on the lead as lead.scored) waits for a person, and the lead is not nurtured: it is
 * not below the threshold. Below the threshold it is marked for nurturing either way.
 */
export function reactionToScore(policy: LeadScoringPolicy, lead: ScoredLead): ScoreReaction {
  const { leadId, analysisId, score } = lead;
  const threshold = policy.qualifyThreshold;
  if (score.totalScore >= threshold && !policy.autoQualify)
    return { type: 'none', reason: `AI score ${score.totalScore} >= threshold ${threshold}; autoQualify is off` };
  if (score.totalScore >= threshold)
    return {
      type: 'lead.qualify',
      data: {
        leadId,
        score,
        method: 'ai',
        analysisId,
        notes: `AI score ${score.totalScore} >= threshold ${threshold}`,
      },
    };
  return {
    type: 'lead.mark_for_nurturing',
    data: { leadId, reason: 'score_below_threshold', totalScore: score.totalScore, threshold, analysisId },
  };
}
