import { z } from 'zod';
import { parseAnswer, runAgent } from '../agent-loop.ts';
import type { StepContext } from '../crew.ts';
import {
  strategyFor,
  type CampaignFacts,
  type CampaignFindings,
  type CampaignStrategy,
  type OptimizationGoal,
} from './campaign-optimization-schemas.ts';

export const STRATEGIST_AGENT = 'campaign-strategist';

const SYSTEM = [
  'You turn a campaign analysis into concrete optimisation changes for one goal. Each change has a',
  'kind (budget_reallocation, bid_adjustment, audience_change, schedule_change, creative_change,',
  "channel_paused), the channel it concerns (one of the campaign's, or null for the whole campaign),",
  'a description, and the previous and new value. For budget_reallocation both values are daily',
  'amounts in the campaign\'s currency as plain decimal strings such as "300.00". Propose no change',
  'when none is warranted. Also answer the expected improvement of the goal metric in percent and',
  'your rationale.',
].join(' ');

/**
 * The strategist's changes for `goal`. An answer that is not the schema's JSON, or that names a
 * channel the campaign does not run on, fails the analysis with LLM_BAD_OUTPUT.
 */
export async function proposeChanges(
  ctx: StepContext,
  input: { campaign: CampaignFacts; findings: CampaignFindings; goal: OptimizationGoal },
): Promise<CampaignStrategy> {
  const answer = strategyFor(input.campaign);
  const response = await runAgent(ctx, {
    agent: STRATEGIST_AGENT,
    system: SYSTEM,
    user: [
      `Goal: ${input.goal}`,
      `Campaign: ${JSON.stringify(input.campaign)}`,
      `Analyst's findings: ${JSON.stringify(input.findings)}`,
    ].join('\n'),
    responseFormat: { name: 'campaign_strategy', schema: z.toJSONSchema(answer) },
  });
  return parseAnswer(response, answer, STRATEGIST_AGENT);
}
