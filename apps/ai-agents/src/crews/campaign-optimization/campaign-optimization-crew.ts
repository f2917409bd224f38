import type { PlatformClient } from '@bizosaas/platform-client';
import type { Crew, CrewOutcome } from '../crew.ts';
import { ANALYST_AGENT, analyseCampaign } from './campaign-analyst.ts';
import { OPERATOR_AGENT, operate, type GuardrailsSource, type Operation } from './campaign-operator.ts';
import {
  campaignOptimizationOptions,
  campaignOptimizationSubject,
  goalOf,
  type CampaignFacts,
  type CampaignFindings,
  type CampaignStrategy,
  type OptimizationGoal,
} from './campaign-optimization-schemas.ts';
import { STRATEGIST_AGENT, proposeChanges } from './campaign-strategist.ts';

export interface CampaignOptimizationDeps {
  /** The platform client for DOMAIN_REPOSITORY_URL, with tokens holding campaigns:read and campaigns:write. */
  domainRepository: PlatformClient;
  /** The tenant's maxBudgetShiftPerDay (decimal string; null = every budget change needs approval). */
  guardrails: GuardrailsSource;
}

/**
 * The campaign_optimization crew: the analyst reads the campaign and states its findings, the
 * strategist turns them into changes of the catalogue's shape, the operator applies them through
 * domain-repository (POST /optimize) within the tenant's guardrails, or after a person approves
 * a larger budget move or a paused channel. It needs an LLM.
 */
export function createCampaignOptimizationCrew(
  deps: CampaignOptimizationDeps,
): Crew<typeof campaignOptimizationSubject, typeof campaignOptimizationOptions> {
  return {
    kind: 'campaign_optimization',
    name: 'campaign-optimization-crew',
    version: '1.0.0',
    agents: [ANALYST_AGENT, STRATEGIST_AGENT, OPERATOR_AGENT],
    subject: campaignOptimizationSubject,
    options: campaignOptimizationOptions,
    requiresLlm: true,
    async run(ctx, { campaignId }, options) {
      const { findings, campaign } = await analyseCampaign(ctx, deps.domainRepository, {
        campaignId,
        goal: options.goal,
      });
      const goal = goalOf(options.goal, campaign);
      const strategy = await proposeChanges(ctx, { campaign, findings, goal });
      const operation = await operate(ctx, deps, { campaign, strategy, goal, apply: options.apply });
      return outcome({ campaign, findings, strategy, goal, operation });
    },
  };
}

function outcome(parts: {
  campaign: CampaignFacts;
  findings: CampaignFindings;
  strategy: CampaignStrategy;
  goal: OptimizationGoal;
  operation: Operation;
}): CrewOutcome {
  const { campaign, findings, strategy, operation } = parts;
  const count = strategy.changes.length === 1 ? '1 change' : `${strategy.changes.length} changes`;
  const state = operation.applied ? 'applied' : `not applied (${operation.reason ?? 'no reason given'})`;
  return {
    summary: `${campaign.name}: ${count} for ${parts.goal}, expected ${strategy.expectedImprovementPercent}%; ${state}.`,
    // The strategist's estimate rests on the campaign's settings alone (no performance data yet).
    confidence: 50,
    results: {
      campaignId: campaign.id,
      goal: parts.goal,
      findings,
      changes: strategy.changes,
      expectedImprovementPercent: strategy.expectedImprovementPercent,
      rationale: strategy.rationale,
      applied: operation.applied,
      approval: operation.approval,
      ...(operation.reason !== undefined && { reason: operation.reason }),
    },
  };
}
