import { z } from 'zod';
import { eventCatalogue } from '@bizosaas/event-schemas';

const created = eventCatalogue['campaign.created'].data.shape;
const optimized = eventCatalogue['campaign.optimized'].data.shape;

export const optimizationGoal = optimized.optimizationGoal;
export type OptimizationGoal = z.output<typeof optimizationGoal>;
export const optimizationChanges = optimized.changes;
export type OptimizationChange = z.output<typeof optimizationChanges>[number];

export const campaignOptimizationSubject = z.strictObject({ campaignId: z.uuid() });

export const campaignOptimizationOptions = z.strictObject({
  /** Default: the campaign's own goal, else the one its objective implies. */
  goal: optimizationGoal.optional(),
  /** `propose` only reports the changes; `auto` applies them (within the guardrails, or once approved). */
  apply: z.enum(['auto', 'propose']).default('auto'),
});

/**
 * The part of domain-repository's campaign view (GET /api/v1/campaigns/:id) the crew reads; its
 * enumerations are the catalogue's, so a view the events accept parses here.
 */
export const campaignFacts = z.object({
  id: z.uuid(),
  version: z.number().int(),
  status: z.enum(['draft', 'scheduled', 'active', 'paused', 'completed']),
  name: z.string(),
  campaignType: created.campaignType,
  objective: created.objective,
  channels: created.channels,
  budget: z.object({ totalBudget: z.string(), dailyBudget: z.string().nullable(), currency: z.string() }),
  schedule: z.object({ startDate: z.string(), endDate: z.string().nullable() }),
  optimizationGoal: optimizationGoal.nullable(),
});
export type CampaignFacts = z.output<typeof campaignFacts>;
type Channel = CampaignFacts['channels'][number];

/** The analyst's structured answer: what it sees in the campaign, before anything is proposed. */
export const campaignFindings = z.strictObject({
  summary: z.string().min(1).max(2000),
  issues: z
    .array(
      z.strictObject({
        area: z.enum(['budget', 'channels', 'schedule', 'status', 'goal', 'other']),
        severity: z.enum(['low', 'medium', 'high']),
        observation: z.string().min(1).max(1000),
      }),
    )
    .max(20),
  opportunities: z.array(z.string().min(1).max(1000)).max(20),
});
export type CampaignFindings = z.output<typeof campaignFindings>;

/** The strategist's structured answer; `changes` is the catalogue's, so what is applied fits `campaign.optimized`. */
export const campaignStrategy = z.strictObject({
  changes: optimizationChanges.max(20),
  expectedImprovementPercent: optimized.expectedImprovementPercent.unwrap(),
  rationale: z.string().min(1).max(4000),
});
export type CampaignStrategy = z.output<typeof campaignStrategy>;

/**
 * The strategy of one campaign: a change names one of the campaign's channels (or none). Given
 * to the model as its JSON Schema too, so a well-behaved model cannot name another.
 */
export function strategyFor(campaign: CampaignFacts) {
  // campaignFacts has parsed at least one channel (the catalogue's min(1)).
  const channel = z.enum(campaign.channels as [Channel, ...Channel[]]).nullable();
  return campaignStrategy.extend({ changes: z.array(optimizationChanges.element.extend({ channel })).max(20) });
}

/** read_guardrails' result: the tenant's limit as a decimal string; null = every budget change needs approval. */
export const guardrailSettings = z.object({ maxBudgetShiftPerDay: z.string().nullable() });
export type GuardrailSettings = z.output<typeof guardrailSettings>;

const GOAL_OF_OBJECTIVE: Record<CampaignFacts['objective'], OptimizationGoal> = {
  lead_generation: 'minimize_cpa',
  sales: 'maximize_roas',
  brand_awareness: 'maximize_reach',
  engagement: 'maximize_clicks',
  traffic: 'maximize_clicks',
  retention: 'maximize_conversions',
};

/** The goal optimised for: the one asked, else the campaign's, else the one its objective implies. */
export function goalOf(asked: OptimizationGoal | undefined, campaign: CampaignFacts): OptimizationGoal {
  return asked ?? campaign.optimizationGoal ?? GOAL_OF_OBJECTIVE[campaign.objective];
}
