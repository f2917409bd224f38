import { describe, expect, it } from 'vitest';
import { createEvent, eventCatalogue } from '@bizosaas/event-schemas';
import { reactionToScore, scoredLeadOf, type ScoredLead } from './score-reaction.ts';

const tenantId = '0192f5a3-9d2e-7c4b-8a11-0000000000b1';
const leadId = '0192f5a3-9d2e-7c4b-8a11-0000000000b2';
const analysisId = '0192f5a3-9d2e-7c4b-8a11-0000000000b3';
const score = { totalScore: 82, behavioralScore: 90, demographicScore: 70, firmographicScore: 75 };
const actor = { type: 'service', id: 'ai-agents' } as const;

const completed = (analysisType: 'lead_scoring' | 'seo_analysis', results: Record<string, unknown>) =>
  createEvent({
    type: 'ai.analysis_completed',
    tenantId,
    actor,
    aggregateId: analysisId,
    data: { analysisType, summary: 'Scored', confidence: 90, results, durationMs: 1200, tokensUsed: null },
  });

describe('scoredLeadOf', () => {
  it('reads the lead, its score and the analysis id of a lead_scoring result', () => {
    expect(scoredLeadOf(completed('lead_scoring', { leadId, score, factors: ['engagement'] }))).toEqual({
      kind: 'scored',
      lead: { leadId, analysisId, score },
    });
  });
  it('ignores other analysis types and other events', () => {
    expect(scoredLeadOf(completed('seo_analysis', { leadId, score }))).toEqual({ kind: 'ignored' });
    const started = createEvent({
      type: 'ai.analysis_started',
      tenantId,
      actor,
      aggregateId: analysisId,
      data: eventCatalogue['ai.analysis_started'].example,
    });
    expect(scoredLeadOf(started)).toEqual({ kind: 'ignored' });
  });
  it('calls a result without a lead id or with a partial score invalid, naming the fields', () => {
    const outcome = scoredLeadOf(completed('lead_scoring', { leadId: 'lead-1', score: { totalScore: 82 } }));
    expect(outcome.kind).toBe('invalid');
    expect(outcome.kind === 'invalid' && outcome.reason).toMatch(/leadId[\s\S]*behavioralScore/);
  });
});

describe('reactionToScore', () => {
  const lead: ScoredLead = { leadId, analysisId, score };
  it('qualifies at the threshold or above, by AI, with the analysis and why', () => {
    for (const qualifyThreshold of [70, 82])
      expect(reactionToScore({ qualifyThreshold, autoQualify: true }, lead)).toEqual({
        type: 'lead.qualify',
        data: {
          leadId,
          score,
          method: 'ai',
          analysisId,
          notes: `AI score 82 >= threshold ${qualifyThreshold}`,
        },
      });
  });
  it('marks a lead below the threshold for nurturing, with the score and the threshold', () => {
    for (const autoQualify of [true, false])
      expect(reactionToScore({ qualifyThreshold: 83, autoQualify }, lead)).toEqual({
        type: 'lead.mark_for_nurturing',
        data: { leadId, reason: 'score_below_threshold', totalScore: 82, threshold: 83, analysisId },
      });
  });
  it('leaves a lead at the threshold to a person when autoQualify is off', () => {
    expect(reactionToScore({ qualifyThreshold: 70, autoQualify: false }, lead)).toEqual({
      type: 'none',
      reason: 'AI score 82 >= threshold 70; autoQualify is off',
    });
  });
});
