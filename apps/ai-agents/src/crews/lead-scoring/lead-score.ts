import { leadProfile, type LeadProfile } from './lead-features.ts';
import type { Contribution, LeadFacts, LeadScore } from './lead-scoring-schemas.ts';
import { rulesScore } from './rules-model.ts';
import { logisticScore, type ScoringModel } from './scoring-model.ts';

/** How many reasons the result lists. */
export const EXPLANATION_SIZE = 5;

export interface ScoredLead {
  profile: LeadProfile;
  score: LeadScore;
  /** The largest contributions, largest first. */
  explanation: Contribution[];
}

/**
 * Scores a lead as of `at` (the analysis's request time). Under the rules every part and the
 * total come from the points tables. A logistic model gives one number, the probability that a
 * lead like this one converts: that is the total (x 100); it has no parts, so the parts stay the
 * rules' (what the lead's behaviour, person and company look like), and the explanation is the
 * model's (each feature's push on the log-odds, against the average trained lead).
 */
export function scoreLead(model: ScoringModel, facts: LeadFacts, at: Date): ScoredLead {
  const profile = leadProfile(facts, at);
  const rules = rulesScore(profile);
  if (model.kind === 'rules')
    return { profile, score: rules.score, explanation: rules.contributions.slice(0, EXPLANATION_SIZE) };
  const { probability, contributions } = logisticScore(model, profile);
  return {
    profile,
    score: { ...rules.score, totalScore: Math.round(probability * 100) },
    explanation: contributions.slice(0, EXPLANATION_SIZE),
  };
}

/** The total moved by a reviewer's adjustment, kept within 0-100. */
export function adjustedScore(score: LeadScore, adjustment: number): LeadScore {
  return { ...score, totalScore: Math.min(100, Math.max(0, score.totalScore + adjustment)) };
}
