import { z } from 'zod';
import { eventCatalogue, type DomainEvent } from '@bizosaas/event-schemas';

const optimized = eventCatalogue['campaign.optimized'].data.shape;

/** The catalogue's optimisation goals (what domain-repository's optimise command takes). */
export const optimizationGoal = optimized.optimizationGoal;
export const optimizationChanges = optimized.changes;
export type OptimizationChange = z.output<typeof optimizationChanges>[number];

// The part of a campaign_optimization analysis's `results` the chain keeps (ai-agents'
// campaign-optimization crew writes it); anything else in results is not ours to read.
const optimizationResults = z.object({
  campaignId: z.uuid(),
  goal: optimizationGoal.optional(),
  changes: optimizationChanges,
  expectedImprovementPercent: optimized.expectedImprovementPercent.optional(),
  reason: z.string().max(4000).optional(),
});

interface Link {
  tenantId: string;
  analysisId: string;
  correlationId: string;
  eventId: string;
  at: string;
}

/** One event's part of an optimisation chain. */
export type ChainStep =
  | (Link & { kind: 'requested'; campaignId: string })
  | (Link & {
      kind: 'suggested';
      campaignId: string;
      goal: string | null;
      changes: OptimizationChange[];
      expectedImprovementPercent: number | null;
      notAppliedReason: string | null;
    })
  | (Link & { kind: 'failed'; errorCode: string })
  | (Link & {
      kind: 'applied';
      campaignId: string;
      goal: string;
      changes: OptimizationChange[];
      expectedImprovementPercent: number | null;
    });

const linkOf = (event: DomainEvent, analysisId: string): Link => ({
  tenantId: event.tenantId,
  analysisId,
  correlationId: event.correlationId,
  eventId: event.id,
  at: event.occurredAt,
});

/**
 * What an event adds to a chain: a campaign_optimization analysis's events (the analysis id is
 * their aggregate id) and a campaign.optimized naming an analysis; undefined for anything else
 * (an optimisation only switched on names none).
 */
export function chainStepOf(event: DomainEvent): ChainStep | undefined {
  switch (event.type) {
    case 'ai.analysis_requested': {
      const { analysisType, subject } = event.data;
      if (analysisType !== 'campaign_optimization' || subject.type !== 'campaign') return undefined;
      return { ...linkOf(event, event.aggregateId), kind: 'requested', campaignId: subject.id };
    }
    case 'ai.analysis_completed':
      return event.data.analysisType === 'campaign_optimization' ? suggestionOf(event) : undefined;
    case 'ai.analysis_failed':
      if (event.data.analysisType !== 'campaign_optimization') return undefined;
      return { ...linkOf(event, event.aggregateId), kind: 'failed', errorCode: event.data.errorCode };
    case 'campaign.optimized': {
      const { analysisId, optimizationGoal, changes, expectedImprovementPercent } = event.data;
      if (analysisId === null) return undefined;
      const link = linkOf(event, analysisId);
      return {
        ...link,
        kind: 'applied',
        campaignId: event.aggregateId,
        goal: optimizationGoal,
        changes,
        expectedImprovementPercent,
      };
    }
    default:
      return undefined;
  }
}

function suggestionOf(event: Extract<DomainEvent, { type: 'ai.analysis_completed' }>): ChainStep | undefined {
  const parsed = optimizationResults.safeParse(event.data.results);
  if (!parsed.success) return undefined;
  const results = parsed.data;
  return {
    ...linkOf(event, event.aggregateId),
    kind: 'suggested',
    campaignId: results.campaignId,
    goal: results.goal ?? null,
    changes: results.changes,
    expectedImprovementPercent: results.expectedImprovementPercent ?? null,
    notAppliedReason: results.reason ?? null,
  };
}
