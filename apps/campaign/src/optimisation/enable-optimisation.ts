import type pg from 'pg';
import { z } from 'zod';
import { AppError, BusinessRuleViolation, NotFoundError, ServiceUnavailableError } from '@bizosaas/ddd-kernel';
import { PlatformCallError, type PlatformClient } from '@bizosaas/platform-client';
import { findCampaign } from '../campaigns/campaign-read-model.ts';
import type { CampaignContext } from '../context.ts';
import { optimizationGoal } from './chain-steps.ts';

const CALL_TIMEOUT_MS = 30_000;

export const enableOptimisationBody = z.strictObject({
  goal: optimizationGoal.optional().describe("Default: the campaign's current goal"),
});
export type EnableOptimisationBody = z.output<typeof enableOptimisationBody>;
type Goal = z.output<typeof optimizationGoal>;

export const enabledView = z.strictObject({
  campaignId: z.uuid(),
  optimizationGoal,
  campaignVersion: z.int().describe("The Campaign aggregate's version after the command"),
  correlationId: z.uuid().describe("The command's correlation id (its campaign.optimized carries it)"),
});
export type EnabledView = z.output<typeof enabledView>;

export interface EnableCall {
  tenantId: string;
  campaignId: string;
  correlationId: string;
  idempotencyKey: string | undefined;
}

/** domain-repository's optimise command switching AI optimisation on (no analysis, no change). */
export const enableRequest = (campaignId: string, goal: Goal) => ({
  path: `/api/v1/campaigns/${encodeURIComponent(campaignId)}/optimize`,
  body: { optimizationGoal: goal, analysisId: null, changes: [] },
});

/** The client commanding domain-repository; without a service client nothing can be commanded (422). */
export function domainRepositoryOf(ctx: CampaignContext): PlatformClient {
  if (ctx.platform) return ctx.platform.domainRepository;
  throw new BusinessRuleViolation(
    'campaign.optimize.platform_client',
    'This service has no service client to command domain-repository with',
  );
}

/** The goal asked, else the campaign's; a campaign with neither cannot be switched on. */
export async function goalToEnable(client: pg.ClientBase, call: EnableCall, asked: Goal | undefined): Promise<Goal> {
  const campaign = await findCampaign(client, call.tenantId, call.campaignId);
  if (!campaign) throw new NotFoundError(`Campaign ${call.campaignId} was not found`, { campaignId: call.campaignId });
  const goal = asked ?? optimizationGoal.safeParse(campaign.optimizationGoal).data;
  if (goal === undefined)
    throw new BusinessRuleViolation(
      'campaign.optimize.goal_required',
      'The campaign has no optimisation goal yet: name one',
      {
        campaignId: call.campaignId,
        currentGoal: null,
      },
    );
  return goal;
}

/**
 * Asks domain-repository to enable AI optimisation with the goal, under the caller's correlation:
 * the goal ai-agents' rounds on the launched campaign then optimise for. Its refusals are answered
 * as its own (404, 409, 422); an outage is a 503.
 */
export async function enableOptimisation(domain: PlatformClient, call: EnableCall, goal: Goal): Promise<EnabledView> {
  const { path, body } = enableRequest(call.campaignId, goal);
  let answer: unknown;
  try {
    answer = await domain.post(call.tenantId, path, body, 200, AbortSignal.timeout(CALL_TIMEOUT_MS), {
      correlationId: call.correlationId,
      ...(call.idempotencyKey !== undefined && { idempotencyKey: call.idempotencyKey }),
    });
  } catch (error) {
    throw refusalOf(error, call.campaignId);
  }
  const { version } = z.object({ version: z.int() }).parse(answer);
  return {
    campaignId: call.campaignId,
    optimizationGoal: goal,
    campaignVersion: version,
    correlationId: call.correlationId,
  };
}

const refusal = z.object({ message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

function refusalOf(error: unknown, campaignId: string): unknown {
  if (!(error instanceof PlatformCallError)) return error;
  if (error.transient) return new ServiceUnavailableError('domain-repository is unavailable', { campaignId });
  if (error.status === 404) return new NotFoundError(`Campaign ${campaignId} was not found`, { campaignId });
  if (error.status !== 409 && error.status !== 422) return error;
  let parsed: z.output<typeof refusal> | undefined;
  try {
    parsed = refusal.safeParse(JSON.parse(error.body)).data;
  } catch {
    parsed = undefined;
  }
  const message = parsed?.message ?? `domain-repository refused (${error.status})`;
  const details: Record<string, unknown> = { ...parsed?.details, campaignId };
  if (error.status === 409) return new AppError('CONCURRENCY_EXCEPTION', 409, message, details);
  const rule = typeof details.rule === 'string' ? details.rule : 'campaign.optimize.refused';
  return new BusinessRuleViolation(rule, message, details);
}
