import { z } from 'zod';
import type { PlatformClient } from '@bizosaas/platform-client';
import { parseAnswer, runAgent } from '../agent-loop.ts';
import type { JsonObject, JsonValue, StepContext } from '../crew.ts';
import {
  campaignFacts,
  campaignFindings,
  type CampaignFacts,
  type CampaignFindings,
  type OptimizationGoal,
} from './campaign-optimization-schemas.ts';
import { readCampaign } from './platform-calls.ts';

export const ANALYST_AGENT = 'campaign-analyst';
const READ_CAMPAIGN = 'read_campaign';

const SYSTEM = [
  'You analyse marketing campaigns. Read the campaign with read_campaign, then answer with your',
  'findings: a short summary, the issues you see (budget, channels, schedule, status, goal) with',
  'their severity, and the opportunities to improve the goal metric. Use only what the campaign',
  'shows; do not invent performance figures.',
].join(' ');

/**
 * The analyst's findings and the campaign it read. The crew acts on the campaign as read_campaign
 * returned it (journaled, so a replay sees the same), not on the model's retelling; should the
 * model answer without reading, the crew reads it once itself.
 */
export async function analyseCampaign(
  ctx: StepContext,
  domain: PlatformClient,
  request: { campaignId: string; goal: OptimizationGoal | undefined },
): Promise<{ findings: CampaignFindings; campaign: CampaignFacts }> {
  const { campaignId } = request;
  const read = (signal: AbortSignal) =>
    readCampaign(domain, { tenantId: ctx.tenantId, campaignId, correlationId: ctx.correlationId, signal });
  const watched = watchTool(ctx, READ_CAMPAIGN);
  const response = await runAgent(watched.ctx, {
    agent: ANALYST_AGENT,
    system: SYSTEM,
    user: `Campaign id: ${campaignId}\nGoal: ${request.goal ?? "the campaign's own (or the one its objective implies)"}`,
    tools: [
      {
        name: READ_CAMPAIGN,
        description: 'Read the campaign: status, channels, budget, schedule, optimisation goal',
        args: z.strictObject({ campaignId: z.literal(campaignId) }),
        run: (_args, signal) => read(signal),
      },
    ],
    responseFormat: { name: 'campaign_findings', schema: z.toJSONSchema(campaignFindings) },
  });
  const findings = parseAnswer(response, campaignFindings, ANALYST_AGENT);
  const seen =
    watched.last() ??
    (await ctx.tool(ANALYST_AGENT, READ_CAMPAIGN, { campaignId }, (signal) => read(signal) as Promise<JsonObject>));
  return { findings, campaign: campaignFacts.parse(seen) };
}

/** `ctx` as it is, but keeping the last result of the tool `name` (recorded or live alike). */
function watchTool(ctx: StepContext, name: string): { ctx: StepContext; last(): JsonValue | undefined } {
  let last: JsonValue | undefined;
  const watched: StepContext = {
    tenantId: ctx.tenantId,
    analysisId: ctx.analysisId,
    correlationId: ctx.correlationId,
    requestedAt: ctx.requestedAt,
    llmAvailable: ctx.llmAvailable,
    llm: (agent, request) => ctx.llm(agent, request),
    async tool(agent, tool, args, run, options) {
      const result = await ctx.tool(agent, tool, args, run, options);
      if (tool === name) last = result;
      return result;
    },
  };
  return { ctx: watched, last: () => last };
}
