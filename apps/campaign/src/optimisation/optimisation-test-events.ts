// Test-only: the events of one optimisation chain as ai-agents (the analysis's stream) and
// domain-repository (campaign.optimized) publish them, under one correlation id.
import { randomUUID } from 'node:crypto';
import { createEvent, uuidv7, type DomainEvent } from '@bizosaas/event-schemas';

const AI = { type: 'service' as const, id: 'ai-agents' };
const change = {
  kind: 'budget_reallocation' as const,
  channel: 'email' as const,
  description: 'Move budget to the best performing send time',
  previousValue: '300.00',
  newValue: '420.00',
};
const suggestion = { goal: 'maximize_clicks', changes: [change], expectedImprovementPercent: 12.5 };

interface Chain {
  tenantId: string;
  campaignId: string;
  analysisId: string;
  correlationId: string;
}

const clock = (iso: string) => ({ now: () => new Date(iso) });
const analysis = (chain: Chain) => ({
  tenantId: chain.tenantId,
  aggregateId: chain.analysisId,
  correlationId: chain.correlationId,
  actor: AI,
});

const requested = (chain: Chain, at: string) =>
  createEvent(
    {
      ...analysis(chain),
      type: 'ai.analysis_requested',
      aggregateVersion: 1,
      data: {
        analysisType: 'campaign_optimization',
        subject: { type: 'campaign', id: chain.campaignId },
        priority: 'normal',
        parameters: { apply: 'auto' },
      },
    },
    clock(at),
  );

// The campaign-optimization crew's results, with `changes` overriding them.
const completed = (chain: Chain, at: string, changes: Record<string, unknown>) =>
  createEvent(
    {
      ...analysis(chain),
      type: 'ai.analysis_completed',
      aggregateVersion: 3,
      causationId: chain.analysisId,
      data: {
        analysisType: 'campaign_optimization',
        summary: 'Winter sale: 1 change for maximize_clicks',
        confidence: 50,
        results: { campaignId: chain.campaignId, ...suggestion, applied: true, approval: 'not_needed', ...changes },
        durationMs: 1200,
        tokensUsed: 900,
      },
    },
    clock(at),
  );

const failed = (chain: Chain, at: string) =>
  createEvent(
    {
      ...analysis(chain),
      type: 'ai.analysis_failed',
      aggregateVersion: 3,
      data: {
        analysisType: 'campaign_optimization',
        errorCode: 'LLM_TIMEOUT',
        errorMessage: 'No answer',
        retryable: false,
        attempt: 3,
      },
    },
    clock(at),
  );

const optimized = (chain: Chain, at: string, campaignVersion: number) =>
  createEvent(
    {
      tenantId: chain.tenantId,
      aggregateId: chain.campaignId,
      aggregateVersion: campaignVersion,
      correlationId: chain.correlationId,
      actor: AI,
      type: 'campaign.optimized',
      data: {
        optimizationGoal: 'maximize_clicks',
        analysisId: chain.analysisId,
        changes: [change],
        expectedImprovementPercent: 12.5,
      },
    },
    clock(at),
  );

export interface ChainEvents {
  analysisId: string;
  correlationId: string;
  requested: DomainEvent;
  /** The analysis's result, with changes to the crew's results. */
  completed: (results?: Record<string, unknown>) => DomainEvent;
  failed: DomainEvent;
  /** The campaign.optimized applying the suggestion at `at`. */
  optimized: (at: string, campaignVersion?: number) => DomainEvent;
}

/** One analysis of `campaignId` requested at `at`; it completes or fails a minute later. */
export function chainEvents(tenantId: string, campaignId: string, at: string): ChainEvents {
  const chain = { tenantId, campaignId, analysisId: uuidv7(), correlationId: randomUUID() };
  const later = new Date(Date.parse(at) + 60_000).toISOString();
  return {
    analysisId: chain.analysisId,
    correlationId: chain.correlationId,
    requested: requested(chain, at),
    completed: (results = {}) => completed(chain, later, results),
    failed: failed(chain, later),
    optimized: (when, campaignVersion = 5) => optimized(chain, when, campaignVersion),
  };
}
