import type { PlatformClient } from '@bizosaas/platform-client';
import type { StepContext } from '../crew.ts';
import { approvalFor } from './budget-guardrail.ts';
import {
  guardrailSettings,
  type CampaignFacts,
  type CampaignStrategy,
  type GuardrailSettings,
  type OptimizationGoal,
} from './campaign-optimization-schemas.ts';
import { applyOptimization, type ApplyResult, type OptimizationBody } from './platform-calls.ts';

export const OPERATOR_AGENT = 'campaign-operator';

/** The tenant's guardrails, as the crew is given them (decimal string; null = every budget change asks). */
export type GuardrailsSource = (tenantId: string) => Promise<GuardrailSettings>;

export interface OperatorDeps {
  domainRepository: PlatformClient;
  guardrails: GuardrailsSource;
}

export interface Operation {
  applied: boolean;
  /** null when nothing was to be applied (only proposed, or no change). */
  approval: 'not_needed' | 'approved' | 'declined' | null;
  reason?: string;
}

/**
 * Reads the guardrails (a step, so a resume or replay judges by the limit the run saw) and, when
 * asked to apply and there is something to apply, applies the changes: at once within the
 * guardrails, else once a person approves. A declined approval applies nothing.
 */
export async function operate(
  ctx: StepContext,
  deps: OperatorDeps,
  plan: { campaign: CampaignFacts; strategy: CampaignStrategy; goal: OptimizationGoal; apply: 'auto' | 'propose' },
): Promise<Operation> {
  const settings = guardrailSettings.parse(
    await ctx.tool(OPERATOR_AGENT, 'read_guardrails', {}, () => deps.guardrails(ctx.tenantId)),
  );
  const { campaign, strategy } = plan;
  if (plan.apply === 'propose') return { applied: false, approval: null, reason: 'proposed only (apply: propose)' };
  if (strategy.changes.length === 0) return { applied: false, approval: null, reason: 'no change was proposed' };
  const approval = approvalFor(strategy.changes, settings);
  const body: OptimizationBody = {
    optimizationGoal: plan.goal,
    analysisId: ctx.analysisId,
    changes: strategy.changes,
    expectedImprovementPercent: strategy.expectedImprovementPercent,
    expectedVersion: campaign.version,
  };
  const call = { tenantId: ctx.tenantId, campaignId: campaign.id, correlationId: ctx.correlationId };
  const result = await ctx.tool(
    OPERATOR_AGENT,
    'apply_optimization',
    body,
    (signal): Promise<ApplyResult> => applyOptimization(deps.domainRepository, { ...call, signal }, body),
    approval && { approval },
  );
  if ('declined' in result) return { applied: false, approval: 'declined', reason: `declined: ${result.reason}` };
  const asked = approval ? 'approved' : 'not_needed';
  return result.applied
    ? { applied: true, approval: asked }
    : { applied: false, approval: asked, reason: result.reason };
}
