import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type pg from 'pg';
import type { AnalysisRecord } from '../analyses/analysis-record.ts';
import type { ApprovalRequest, JsonObject, StepContext } from '../crews/crew.ts';
import type { ChatRequest, ChatResponse, LlmClient } from '../llm/chat.ts';
import { checkAfter, checkBefore, emptyUsage, type Usage } from './budget.ts';
import { appendStep, type JournalStep, type StepKind } from './journal.ts';
import { createLoopGuard } from './loop-guard.ts';
import { recordedChatResponse } from './recorded-chat.ts';
import { RunFailure, RunLost } from './run-failure.ts';

const approvalDecision = z.object({ approved: z.boolean(), reason: z.string().optional() });

/** Prices per million tokens (decimal strings), or null when the tenant set none. */
export interface LlmPrices {
  promptPerMillion: string;
  completionPerMillion: string;
}

export interface RunStepDeps {
  pool: pg.Pool;
  owner: string;
  leaseMs: number;
  loopRepeatLimit: number;
  now: () => Date;
  llm: LlmClient | null;
  /** What the crew is told of the LLM; a replay is told what the replayed run was told. */
  llmAvailable: boolean;
  prices: LlmPrices | null;
  signal: AbortSignal;
  /** Before an agent's first live step: its agent.task_assigned. */
  assign(agent: string): Promise<void>;
  /** A flagged tool call with no decision: records the approval request and releases the run (throws RunSuspended). */
  suspend(seq: number, agent: string, tool: string, args: JsonObject, request: ApprovalRequest): Promise<never>;
  /** After each step is recorded (live stream of the analysis). */
  onStep?(step: JournalStep): void;
  onToken?(agent: string, delta: string): void;
}

/** What the run did, for its events and final counters. */
export interface RunProgress {
  usage: Usage;
  /** Agent -> steps taken, in order of first use. */
  agents: Map<string, number>;
  /** The agent of the step in progress (a failure is that agent's task failing). */
  currentAgent: string | undefined;
}

/**
 * The StepContext of one execution of a run. Steps are numbered from 1 in the order the crew
 * takes them. A step already in `recorded` (this run's journal) is answered from it; else, for a
 * replay, from `source` (the replayed analysis's journal, copied into this one's); else it runs live
 * and is recorded before the crew sees the result. Budgets and the loop guard count recorded
 * and live steps alike, so a resumed run stops where an uninterrupted one would have.
 */
export function createRunStepContext(
  analysis: AnalysisRecord,
  recorded: readonly JournalStep[],
  source: readonly JournalStep[] | undefined,
  deps: RunStepDeps,
): { ctx: StepContext; progress: RunProgress } {
  const progress: RunProgress = { usage: emptyUsage(), agents: new Map(), currentAgent: undefined };
  const loop = createLoopGuard(deps.loopRepeatLimit);
  let seq = 0;

  const count = (step: Pick<JournalStep, 'kind' | 'agent' | 'promptTokens' | 'completionTokens' | 'cost'>) => {
    const { usage } = progress;
    if (step.kind !== 'approval') usage.steps += 1;
    if (step.kind === 'tool') usage.toolCalls += 1;
    if (step.kind === 'llm') usage.llmCalls += 1;
    usage.promptTokens += step.promptTokens;
    usage.completionTokens += step.completionTokens;
    usage.cost = usage.cost.plus(step.cost);
    if (step.kind !== 'approval') progress.agents.set(step.agent, (progress.agents.get(step.agent) ?? 0) + 1);
  };

  /** The recorded answer of step `n`, checked to be the same step the crew takes now. */
  const answer = (n: number, kind: StepKind, agent: string, name: string): JournalStep | undefined => {
    const step = recorded[n - 1] ?? source?.[n - 1];
    if (!step) {
      if (source && n > recorded.length)
        throw new RunFailure('REPLAY_DIVERGED', `step ${n} (${kind} ${agent}/${name}) is not in the replayed analysis`);
      return undefined;
    }
    if (step.kind !== kind || step.agent !== agent || step.name !== name)
      throw new RunFailure(
        'REPLAY_DIVERGED',
        `step ${n} was ${step.kind} ${step.agent}/${step.name} and is now ${kind} ${agent}/${name}`,
      );
    return step;
  };

  // A step is written once: recorded ones are skipped; a replay's copied steps are assigned to
  // their agent here as live ones are in `live` (task events before the agent's first step).
  const record = async (step: JournalStep, copied = false) => {
    if (step.seq <= recorded.length) return;
    if (copied && step.kind !== 'approval' && !progress.agents.has(step.agent)) await deps.assign(step.agent);
    const ok = await appendStep(deps.pool, {
      tenantId: analysis.tenantId,
      analysisId: analysis.id,
      owner: deps.owner,
      leaseMs: deps.leaseMs,
      step: { ...step, recordedAt: new Date(step.recordedAt) },
    });
    if (!ok) throw new RunLost(analysis.id);
    deps.onStep?.(step);
  };

  const live = async (kind: 'tool' | 'llm', agent: string) => {
    deps.signal.throwIfAborted();
    checkBefore(progress.usage, analysis.budget, kind, deps.now(), analysis.deadlineAt);
    if (!progress.agents.has(agent)) await deps.assign(agent);
    progress.currentAgent = agent;
  };

  const step = (
    n: number,
    kind: StepKind,
    agent: string,
    name: string,
    input: unknown,
    output: unknown,
    extra: Partial<JournalStep> = {},
  ): JournalStep => ({
    seq: n,
    kind,
    agent,
    name,
    input,
    output,
    promptTokens: 0,
    completionTokens: 0,
    cost: '0',
    durationMs: 0,
    recordedAt: deps.now().toISOString(),
    ...extra,
  });

  async function approval(agent: string, tool: string, args: JsonObject, request: ApprovalRequest) {
    const n = ++seq;
    const decided = answer(n, 'approval', agent, tool);
    if (!decided) return deps.suspend(n, agent, tool, args, request);
    await record(decided, true);
    count(decided);
    return approvalDecision.parse(decided.output);
  }

  const ctx: StepContext = {
    tenantId: analysis.tenantId,
    analysisId: analysis.id,
    correlationId: analysis.correlationId,
    requestedAt: analysis.createdAt,
    llmAvailable: deps.llmAvailable,
    async tool(agent, name, args, run, options) {
      if (options?.approval) {
        const decision = await approval(agent, name, args, options.approval);
        if (!decision.approved) return { declined: true, reason: decision.reason ?? 'declined' };
      }
      const n = ++seq;
      const known = answer(n, 'tool', agent, name);
      loop.observe(agent, name, args);
      if (known) {
        await record(known, true);
        count(known);
        return known.output as never;
      }
      await live('tool', agent);
      const started = Date.now();
      const output = await run(deps.signal);
      const done = step(n, 'tool', agent, name, args, output, { durationMs: Date.now() - started });
      await record(done);
      count(done);
      return output;
    },
    async llm(agent: string, request: ChatRequest): Promise<ChatResponse> {
      const n = ++seq;
      const known = answer(n, 'llm', agent, 'chat');
      if (known) {
        await record(known, true);
        count(known);
        checkAfter(progress.usage, analysis.budget);
        return recordedChatResponse(known.output);
      }
      if (!deps.llm) throw new RunFailure('LLM_NOT_CONFIGURED', 'no LLM is configured for this tenant');
      await live('llm', agent);
      const started = Date.now();
      const response = await deps.llm.chat(request, {
        signal: deps.signal,
        onToken: (delta) => deps.onToken?.(agent, delta),
      });
      const { promptTokens, completionTokens } = response.usage;
      const done = step(n, 'llm', agent, 'chat', request, response, {
        promptTokens,
        completionTokens,
        cost: costOf(deps.prices, promptTokens, completionTokens),
        durationMs: Date.now() - started,
      });
      await record(done);
      count(done);
      checkAfter(progress.usage, analysis.budget);
      return response;
    },
  };
  return { ctx, progress };
}

function costOf(prices: LlmPrices | null, promptTokens: number, completionTokens: number): string {
  if (!prices) return '0';
  return new Decimal(prices.promptPerMillion)
    .times(promptTokens)
    .plus(new Decimal(prices.completionPerMillion).times(completionTokens))
    .dividedBy(1_000_000)
    .toDecimalPlaces(10)
    .toFixed();
}
