import { z } from 'zod';
import { leadSource } from '@bizosaas/event-schemas';
import { SENIORITIES, type LeadProfile } from './lead-features.ts';
import type { Contribution } from './lead-scoring-schemas.ts';
import { explainLogit } from './logistic-regression.ts';
import { round2 } from './rules-model.ts';

/** The rules' version in results (bumped when rules-model.ts's points change). */
export const RULES_VERSION = 1;

/** The logistic model's inputs, in order; a stored model with other names is retrained. */
export const FEATURES = [
  ...leadSource.options.map((source) => `source:${source}`),
  'businessEmail',
  'seniority',
  'fullName',
  'phone',
  'company',
  'utm',
  'campaignAttributed',
  'interactions',
  'meetings',
  'calls',
  'recency',
];

const rulesModel = z.object({
  kind: z.literal('rules'),
  version: z.number().int(),
  samples: z.number().int(),
  positives: z.number().int(),
  /** Why no trained model is used. */
  reason: z.string(),
});
const logisticModel = z.object({
  kind: z.literal('logistic'),
  version: z.number().int(),
  samples: z.number().int(),
  positives: z.number().int(),
  trainedAt: z.string(),
  features: z.array(z.string()),
  means: z.array(z.number()),
  scales: z.array(z.number()),
  weights: z.array(z.number()),
  bias: z.number(),
});
/** scoring_model's result (journaled, so a replay scores with the same model). */
export const scoringModel = z.discriminatedUnion('kind', [rulesModel, logisticModel]);
export type ScoringModel = z.infer<typeof scoringModel>;
export type LogisticModel = z.infer<typeof logisticModel>;

/**
 * The profile as numbers: flags 0/1, seniority 0..1, counts as log(1 + n) (the tenth meeting adds
 * less than the first), recency exp(-days / 14) (1 today, 0 without an interaction).
 */
export function featureVector(profile: LeadProfile): number[] {
  const flag = (value: boolean) => (value ? 1 : 0);
  const days = profile.daysSinceLastInteraction;
  return [
    ...leadSource.options.map((source) => flag(profile.source === source)),
    flag(profile.businessEmail),
    SENIORITIES.indexOf(profile.seniority) / (SENIORITIES.length - 1),
    flag(profile.fullName),
    flag(profile.hasPhone),
    flag(profile.hasCompany),
    flag(profile.hasUtm),
    flag(profile.campaignAttributed),
    Math.log1p(profile.interactions),
    Math.log1p(profile.meetings),
    Math.log1p(profile.calls),
    days === null ? 0 : Math.exp(-days / 14),
  ];
}

/** The probability that the lead converts and each feature's log-odds against the average lead. */
export function logisticScore(
  model: LogisticModel,
  profile: LeadProfile,
): { probability: number; contributions: Contribution[] } {
  const row = featureVector(profile);
  const { logit, terms } = explainLogit(model, row);
  const contributions = terms.map((term, j) => ({
    feature: model.features[j]!,
    value: round2(row[j]!),
    contribution: Math.round(term * 1000) / 1000,
    text: `${model.features[j]} = ${round2(row[j]!)} ${term >= 0 ? 'raises' : 'lowers'} the odds of converting (${term >= 0 ? '+' : ''}${term.toFixed(2)} log-odds)`,
  }));
  contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { probability: 1 / (1 + Math.exp(-logit)), contributions };
}
