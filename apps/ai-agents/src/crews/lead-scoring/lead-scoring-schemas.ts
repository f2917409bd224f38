import { z } from 'zod';

export const leadScoringSubject = z.strictObject({ leadId: z.uuid() });

export const leadScoringOptions = z.strictObject({
  /** Ask the tenant's LLM to review the score (only when one is configured). */
  secondOpinion: z.boolean().default(false),
});

export const INTERACTION_KINDS = ['call', 'email', 'meeting'] as const;
const interactionKind = z.enum(INTERACTION_KINDS);

/**
 * What the scorer knows of a lead: read_lead's result, journaled. The e-mail address and names
 * are reduced to what scoring uses (the domain, whether a name is there), so the journal keeps no
 * more personal data than the score needs.
 */
export const leadFacts = z.object({
  leadId: z.uuid(),
  status: z.string(),
  source: z.string(),
  emailDomain: z.string(),
  fullName: z.boolean(),
  hasPhone: z.boolean(),
  hasCompany: z.boolean(),
  jobTitle: z.string().nullable(),
  hasUtm: z.boolean(),
  campaignAttributed: z.boolean(),
  interactionCount: z.number().int().min(0),
  lastInteractionAt: z.string().nullable(),
  lastInteractionKind: interactionKind.nullable(),
  /** Newest first (at most one page); null when domain-repository has no interactions route. */
  interactions: z.array(z.object({ kind: interactionKind, at: z.string() })).nullable(),
});
export type LeadFacts = z.infer<typeof leadFacts>;

/** The part of domain-repository's lead view (GET /api/v1/leads/:id) the scorer reads. */
export const leadViewAnswer = z.object({
  id: z.uuid(),
  status: z.string(),
  contact: z.object({
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    jobTitle: z.string().nullable(),
  }),
  source: z.string(),
  utmParameters: z.record(z.string(), z.string().optional()),
  campaignId: z.string().nullable(),
  interactionCount: z.number().int(),
  lastInteractionAt: z.string().nullable(),
  lastInteractionKind: interactionKind.nullable().optional(),
});

/** GET /api/v1/leads/:id/interactions (newest first). */
export const interactionsAnswer = z.object({
  items: z.array(z.object({ kind: interactionKind, interactedAt: z.string() })),
});

/** GET /api/v1/leads?status=... (newest first). */
export const leadListAnswer = z.object({
  items: z.array(z.object({ id: z.uuid(), status: z.string(), updatedAt: z.string() })),
  total: z.number().int(),
});

const part = z.number().int().min(0).max(100);
export const leadScore = z.object({
  totalScore: part,
  behavioralScore: part,
  demographicScore: part,
  firmographicScore: part,
});
export type LeadScore = z.infer<typeof leadScore>;

/** One reason for the score: `contribution` is in score points (rules) or log-odds (logistic). */
export type Contribution = {
  feature: string;
  value: number | string | boolean | null;
  contribution: number;
  text: string;
};
