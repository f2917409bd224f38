import { afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '@bizosaas/local-llm-server';
import type { LlmClient } from '../../llm/chat.ts';
import type { CrewOutcome } from '../crew.ts';
import { createTestStepContext, type TestStep } from '../testing/test-step-context.ts';
import { createCampaignOptimizationCrew } from './campaign-optimization-crew.ts';
import {
  appliedAnswer,
  budgetMove,
  CAMPAIGN_ID,
  campaignView,
  crewReplies,
  findings,
  localLlm,
  strategy,
  unreachableDomain,
  withDomainAnswers,
} from './campaign-test-support.ts';

const ANALYSIS_ID = '0192f5a4-0000-7000-8000-000000000002';
const domainAnswers = { read_campaign: campaignView, apply_optimization: appliedAnswer };
const crew = createCampaignOptimizationCrew({
  domainRepository: unreachableDomain,
  guardrails: () => Promise.resolve({ maxBudgetShiftPerDay: '250.00' }),
});

let closeLlm: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await closeLlm?.();
  closeLlm = undefined;
});

/** The crew over the local LLM answering the analyst's turns then `strategist`. */
async function startCrew(
  strategist: Reply | Reply[],
  setup: { approvals?: 'approve' | 'decline'; apply?: 'auto' | 'propose'; goal?: string } = {},
) {
  const local = await localLlm(Array.isArray(strategist) ? strategist : crewReplies(strategist));
  closeLlm = local.close;
  const ctx = withDomainAnswers(
    createTestStepContext({ llm: local.llm, analysisId: ANALYSIS_ID, approvals: setup.approvals }),
    domainAnswers,
  );
  const { apply, goal } = setup;
  const options = crew.options.parse({ ...(apply && { apply }), ...(goal && { goal }) });
  const run = () => crew.run(ctx, crew.subject.parse({ campaignId: CAMPAIGN_ID }), options);
  return { ctx, run, server: local.server };
}

async function runCrew(strategist: Reply, setup: Parameters<typeof startCrew>[1] = {}) {
  const started = await startCrew(strategist, setup);
  return { ...started, outcome: await started.run() };
}

const answer = (changes: Parameters<typeof strategy>[0]): Reply => ({ content: JSON.stringify(strategy(changes)) });
const stepNames = (steps: readonly TestStep[]) => steps.map((step) => `${step.kind} ${step.agent}/${step.name}`);

describe('the campaign_optimization crew', () => {
  it('applies changes within the guardrails without asking, with the analysis id and the version it read', async () => {
    const move = budgetMove('300.00', '420.00');
    const { ctx, outcome, server } = await runCrew(answer([move]));
    expect(outcome.results).toEqual({
      campaignId: CAMPAIGN_ID,
      goal: 'minimize_cpa',
      findings,
      changes: [move],
      expectedImprovementPercent: 12.5,
      rationale: strategy([]).rationale,
      applied: true,
      approval: 'not_needed',
    });
    expect(ctx.approvals).toEqual([]);
    expect(ctx.ran).toEqual(['read_campaign', 'apply_optimization']);
    expect(stepNames(ctx.steps)).toEqual([
      'llm campaign-analyst/chat',
      'tool campaign-analyst/read_campaign',
      'llm campaign-analyst/chat',
      'llm campaign-strategist/chat',
      'tool campaign-operator/read_guardrails',
      'tool campaign-operator/apply_optimization',
    ]);
    expect(ctx.steps[5]?.input).toEqual({
      optimizationGoal: 'minimize_cpa',
      analysisId: ANALYSIS_ID,
      changes: [move],
      expectedImprovementPercent: 12.5,
      expectedVersion: 7,
    });
    // The strategist saw the campaign as read_campaign returned it, and may name only its channels.
    expect(server.calls[2]?.response_format?.json_schema?.schema).toMatchObject({
      properties: {
        changes: { items: { properties: { channel: { anyOf: [{ enum: campaignView.channels }, { type: 'null' }] } } } },
      },
    });
    expect(JSON.stringify(server.calls[2]?.messages)).toContain('"totalBudget\\":\\"10000.00\\"');
  });

  it('asks a person before moving more than the limit and applies once approved', async () => {
    const { ctx, outcome } = await runCrew(answer([budgetMove('300.00', '600.00')]), { approvals: 'approve' });
    expect(outcome.results).toMatchObject({ applied: true, approval: 'approved' });
    expect(outcome.results).not.toHaveProperty('reason');
    expect(ctx.approvals).toEqual([
      {
        tool: 'apply_optimization',
        request: {
          reason:
            'The optimisation moves the budget of google_ads by 300 (300.00 -> 600.00), over the limit of 250 per day.',
        },
      },
    ]);
    expect(ctx.ran).toEqual(['read_campaign', 'apply_optimization']);
  });

  it('applies nothing when the person declines', async () => {
    const { ctx, outcome } = await runCrew(answer([budgetMove('300.00', '600.00')]), { approvals: 'decline' });
    expect(outcome.results).toMatchObject({
      applied: false,
      approval: 'declined',
      reason: 'declined: declined in the test',
      changes: [budgetMove('300.00', '600.00')],
    });
    expect(ctx.ran).toEqual(['read_campaign']);
    expect(outcome.summary).toContain('not applied');
  });

  it('only proposes when asked to, after reading the guardrails', async () => {
    const { ctx, outcome } = await runCrew(answer([budgetMove('300.00', '420.00')]), { apply: 'propose' });
    expect(outcome.results).toMatchObject({ applied: false, approval: null, reason: 'proposed only (apply: propose)' });
    expect(stepNames(ctx.steps).at(-1)).toBe('tool campaign-operator/read_guardrails');
    expect(ctx.ran).toEqual(['read_campaign']);
  });

  it('fails with LLM_BAD_OUTPUT when the strategist answers a change of no known kind, applying nothing', async () => {
    const bad = { ...strategy([]), changes: [{ ...budgetMove('300.00', '420.00'), kind: 'budget_cut' }] };
    const { ctx, run } = await startCrew({ content: JSON.stringify(bad) });
    await expect(run()).rejects.toMatchObject({ code: 'LLM_BAD_OUTPUT' });
    expect(stepNames(ctx.steps).at(-1)).toBe('llm campaign-strategist/chat');
    expect(ctx.ran).toEqual(['read_campaign']);
  });

  it('fails with LLM_BAD_OUTPUT when the strategist does not answer JSON', async () => {
    const { run } = await startCrew({ content: 'Move budget to search.' });
    await expect(run()).rejects.toMatchObject({
      code: 'LLM_BAD_OUTPUT',
      message: 'campaign-strategist did not answer JSON',
    });
  });

  it('fails with LLM_BAD_OUTPUT when a change names a channel the campaign does not run on', async () => {
    const elsewhere = { ...budgetMove('300.00', '420.00'), channel: 'linkedin_ads' as const };
    await expect(runCrew(answer([elsewhere]))).rejects.toMatchObject({
      code: 'LLM_BAD_OUTPUT',
      message: expect.stringContaining('changes[0].channel') as string,
    });
  });

  it('reads the campaign itself when the analyst answers without reading it', async () => {
    const [, analysed, proposed] = crewReplies(answer([budgetMove('300.00', '420.00')]));
    const { ctx, run } = await startCrew([analysed!, proposed!]);
    const outcome = await run();
    expect(stepNames(ctx.steps).slice(0, 2)).toEqual([
      'llm campaign-analyst/chat',
      'tool campaign-analyst/read_campaign',
    ]);
    expect(ctx.steps[1]?.input).toEqual({ campaignId: CAMPAIGN_ID });
    expect(outcome.results).toMatchObject({ applied: true, approval: 'not_needed' });
  });

  it('optimises for the goal asked, telling both agents', async () => {
    const { ctx, server } = await runCrew(answer([budgetMove('300.00', '420.00')]), { goal: 'maximize_roas' });
    expect(ctx.steps.at(-1)?.input).toMatchObject({ optimizationGoal: 'maximize_roas' });
    expect(JSON.stringify(server.calls[0]?.messages)).toContain('Goal: maximize_roas');
    expect(JSON.stringify(server.calls[2]?.messages)).toContain('Goal: maximize_roas');
  });

  it('takes a campaign id and known options only', () => {
    expect(crew.subject.safeParse({ campaignId: CAMPAIGN_ID, name: 'x' }).success).toBe(false);
    expect(crew.subject.safeParse({ campaignId: 'spring' }).success).toBe(false);
    expect(crew.options.safeParse({ goal: 'maximize_profit' }).success).toBe(false);
    expect(crew.options.safeParse({ apply: 'always' }).success).toBe(false);
    expect(crew.options.parse({})).toEqual({ apply: 'auto' });
  });

  it('replays from the recorded steps to the same outcome, calling neither the LLM nor the platform', async () => {
    for (const approvals of ['approve', 'decline'] as const) {
      const first = await runCrew(answer([budgetMove('300.00', '600.00')]), { approvals });
      await closeLlm?.();
      closeLlm = undefined;
      const replay = createTestStepContext({ llm: refusingLlm, recorded: first.ctx.steps, analysisId: ANALYSIS_ID });
      const replayCrew = createCampaignOptimizationCrew({
        domainRepository: unreachableDomain,
        guardrails: () => Promise.reject(new Error('the guardrails are read from the recorded step')),
      });
      const outcome: CrewOutcome = await replayCrew.run(replay, { campaignId: CAMPAIGN_ID }, { apply: 'auto' });
      expect(outcome).toEqual(first.outcome);
      expect(replay.steps).toEqual(first.ctx.steps);
    }
  });
});

const refusingLlm: LlmClient = {
  provider: 'none',
  model: 'none',
  chat: () => Promise.reject(new Error('a replay answers the LLM from the recorded steps')),
};
