import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { startLocalLlmServer, scriptedReplies, type LocalLlmServer, type Reply } from '@bizosaas/local-llm-server';
import type { PlatformClient } from '@bizosaas/platform-client';
import { createOpenAiLlm } from '../../llm/openai-llm.ts';
import type { ApprovalRequest, JsonObject, JsonValue } from '../crew.ts';
import type { TestStepContext } from '../testing/test-step-context.ts';
import type { CampaignFindings, CampaignStrategy, OptimizationChange } from './campaign-optimization-schemas.ts';

export const CAMPAIGN_ID = '0192f5a4-7c1d-7e2f-8a3b-4c5d6e7f8091';

/** GET /api/v1/campaigns/:id as domain-repository answers it (its campaign view). */
export const campaignView = {
  id: CAMPAIGN_ID,
  version: 7,
  status: 'active',
  name: 'Spring Product Launch',
  campaignType: 'multi_channel',
  objective: 'lead_generation',
  channels: ['email', 'google_ads', 'meta_ads'],
  budget: { totalBudget: '10000.00', dailyBudget: '500.00', currency: 'USD' },
  schedule: { startDate: '2026-11-01T00:00:00.000Z', endDate: '2026-12-31T00:00:00.000Z' },
  optimizationGoal: null,
} satisfies JsonObject;

/** POST /api/v1/campaigns/:id/optimize's result as the crew journals it. */
export const appliedAnswer = { applied: true, campaignVersion: 8 } satisfies JsonObject;

export const findings: CampaignFindings = {
  summary: 'Search carries the leads; social spends half the budget on reach.',
  issues: [{ area: 'budget', severity: 'high', observation: 'meta_ads takes 250.00 of 500.00 a day' }],
  opportunities: ['Move daily budget from meta_ads to google_ads'],
};

export const budgetMove = (previousValue: string, newValue: string): OptimizationChange => ({
  kind: 'budget_reallocation',
  channel: 'google_ads',
  description: 'Move daily budget from meta_ads to search',
  previousValue,
  newValue,
});

export const strategy = (changes: OptimizationChange[]): CampaignStrategy => ({
  changes,
  expectedImprovementPercent: 12.5,
  rationale: 'Search converts at twice the rate of social for this audience.',
});

/** The model's turns: the analyst reads the campaign then answers, the strategist answers `strategist`. */
export const crewReplies = (strategist: Reply): Reply[] => [
  { toolCalls: [{ name: 'read_campaign', arguments: JSON.stringify({ campaignId: CAMPAIGN_ID }) }] },
  { content: JSON.stringify(findings) },
  strategist,
];

// The local server listens on 127.0.0.1, which the platform refuses unless allowed (development).
const loopbackAllowed = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] });

/** The production adapter over a local OpenAI-compatible server answering `replies` in order. */
export async function localLlm(replies: Reply[]) {
  const outbound = createOutboundHttp({ policy: loopbackAllowed });
  const server: LocalLlmServer = await startLocalLlmServer({ apiKey: 'sk-tenant', reply: scriptedReplies(replies) });
  const llm = createOpenAiLlm({
    baseUrl: server.url,
    apiKey: 'sk-tenant',
    model: 'gpt-local',
    timeoutMs: 5000,
    outbound,
    policy: loopbackAllowed,
  });
  return { llm, server, close: async () => Promise.all([server.close(), outbound.close()]) };
}

/** Tests never reach domain-repository: its answers are recorded tool results. */
export const unreachableDomain: PlatformClient = {
  get: () => Promise.reject(new Error('domain-repository is answered from recorded tool results here')),
  post: () => Promise.reject(new Error('domain-repository is answered from recorded tool results here')),
  close: () => Promise.resolve(),
};

export interface DomainAnswers extends TestStepContext {
  /** The domain tools whose `run` was reached, in order (a declined approval reaches none). */
  readonly ran: string[];
  /** The approvals the crew asked for, by tool. */
  readonly approvals: { tool: string; request: ApprovalRequest }[];
}

/**
 * `ctx`, with the domain-repository tools answered from `answers` (the results recorded from
 * domain-repository) instead of their `run`: the step is still taken through `ctx`, approvals
 * and journal included.
 */
export function withDomainAnswers(ctx: TestStepContext, answers: Record<string, JsonValue>): DomainAnswers {
  const ran: string[] = [];
  const approvals: DomainAnswers['approvals'] = [];
  return {
    ...ctx,
    ran,
    approvals,
    tool(agent, name, args, run, options) {
      if (options?.approval) approvals.push({ tool: name, request: options.approval });
      const answer = answers[name];
      if (answer === undefined) return ctx.tool(agent, name, args, run, options);
      const recorded = () => {
        ran.push(name);
        return Promise.resolve(answer as never);
      };
      return ctx.tool(agent, name, args, recorded, options);
    },
  };
}
