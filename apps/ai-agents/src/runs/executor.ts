import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import type { AppendInput } from '@bizosaas/event-store';
import type { AnalysisHub } from '../analyses/analysis-hub.ts';
import type { AnalysisRecord } from '../analyses/analysis-record.ts';
import type { AgentsContext } from '../context.ts';
import type { ApprovalRequest, Crew, JsonObject } from '../crews/crew.ts';
import type { LlmClient } from '../llm/chat.ts';
import { finishRun } from './finish-run.ts';
import { loadJournal } from './journal.ts';
import { completedAppends, failedAppends, startedAppend, taskAssignedAppend } from './run-events.ts';
import { failureOf, RunFailure, RunLost, RunSuspended, type FailureInfo } from './run-failure.ts';
import { createRunStepContext, type LlmPrices } from './run-step-context.ts';
import { suspendForApproval } from './suspend-for-approval.ts';

/** A tenant's LLM for a run, with its prices; llm null when none is configured. */
export interface TenantLlm {
  llm: LlmClient | null;
  prices: LlmPrices | null;
  approvalTimeoutMs: number;
}

export interface ExecutorDeps {
  ctx: AgentsContext;
  owner: string;
  crewFor(analysis: AnalysisRecord): Crew;
  llmFor(tenantId: string): Promise<TenantLlm>;
  hub: AnalysisHub;
  /** Aborted when the replica shuts down: the run is handed back, not failed. */
  signal: AbortSignal;
}

export type RunEnd = 'completed' | 'failed' | 'suspended' | 'lost' | 'released';

/** A run that keeps failing to finish (each attempt's replica died) is given up after this many claims. */
export const MAX_ATTEMPTS = 5;

/** One execution of a claimed run, from its journal on, to its end or its suspension. */
export async function executeRun(analysis: AnalysisRecord, deps: ExecutorDeps): Promise<RunEnd> {
  const { ctx } = deps;
  const now = () => ctx.now();
  const crew = deps.crewFor(analysis);
  const tenantLlm = await deps.llmFor(analysis.tenantId);
  if (analysis.attempts > MAX_ATTEMPTS)
    return fail(
      analysis,
      deps,
      new RunFailure('ATTEMPTS_EXHAUSTED', `the run was started ${MAX_ATTEMPTS} times without finishing`),
      undefined,
    );
  const source = analysis.replayOf ? await loadJournal(ctx.pool, analysis.tenantId, analysis.replayOf) : undefined;
  const llmAvailable = analysis.replayOf ? await hadLlm(ctx, analysis) : tenantLlm.llm !== null;
  if (crew.requiresLlm && !llmAvailable)
    return fail(
      analysis,
      deps,
      new RunFailure(
        'LLM_NOT_CONFIGURED',
        `${analysis.analysisType} needs an LLM and none is configured for this tenant`,
      ),
      undefined,
    );
  await appendOnce(ctx.pool, ctx, startedAppend(analysis, tenantLlm.llm?.provider ?? 'none', now()));
  deps.hub.publish(analysis.tenantId, analysis.id, { type: 'status', status: 'running' });
  const recorded = await loadJournal(ctx.pool, analysis.tenantId, analysis.id);
  // The run's own signal, aborted with the replica's shutdown: each LLM request listens to it, not
  // to the one signal every run shares.
  const run = new AbortController();
  const shutdown = () => run.abort(deps.signal.reason);
  deps.signal.addEventListener('abort', shutdown, { once: true });
  const { ctx: stepCtx, progress } = createRunStepContext(analysis, recorded, source, {
    pool: ctx.pool,
    owner: deps.owner,
    leaseMs: ctx.config.RUN_LEASE_MS,
    loopRepeatLimit: ctx.config.LOOP_REPEAT_LIMIT,
    now,
    llm: tenantLlm.llm,
    llmAvailable,
    prices: tenantLlm.prices,
    signal: run.signal,
    assign: (agent) => appendOnce(ctx.pool, ctx, taskAssignedAppend(analysis, agent, now())),
    suspend: (seq, agent, tool, args: JsonObject, request: ApprovalRequest) =>
      suspendForApproval(ctx, {
        analysis,
        owner: deps.owner,
        seq,
        agent,
        tool,
        args,
        reason: request.reason,
        expiresAt: new Date(now().getTime() + tenantLlm.approvalTimeoutMs),
      }),
    onStep: (step) => deps.hub.publish(analysis.tenantId, analysis.id, { type: 'step', step }),
    onToken: (agent, delta) => deps.hub.publish(analysis.tenantId, analysis.id, { type: 'token', agent, delta }),
  });
  try {
    const outcome = await crew.run(stepCtx, crew.subject.parse(analysis.subject), crew.options.parse(analysis.options));
    const tokens = progress.usage.promptTokens + progress.usage.completionTokens;
    const finished = await finishRun(ctx.pool, ctx.store, {
      analysis,
      status: 'completed',
      result: outcome.results,
      owner: deps.owner,
      now: now(),
      events: (version) => completedAppends(analysis, outcome, progress.agents, tokens, version, now()),
    });
    if (!finished) return 'lost';
    deps.hub.publish(analysis.tenantId, analysis.id, { type: 'status', status: 'completed' });
    return 'completed';
  } catch (error) {
    if (error instanceof RunSuspended) return 'suspended';
    if (error instanceof RunLost) return 'lost';
    if (deps.signal.aborted) return release(ctx.pool, analysis, deps.owner);
    return fail(analysis, deps, error, progress.currentAgent);
  } finally {
    deps.signal.removeEventListener('abort', shutdown);
  }
}

async function fail(
  analysis: AnalysisRecord,
  deps: ExecutorDeps,
  error: unknown,
  agent: string | undefined,
): Promise<RunEnd> {
  const failure: FailureInfo = failureOf(error);
  const now = deps.ctx.now();
  const finished = await finishRun(deps.ctx.pool, deps.ctx.store, {
    analysis,
    status: 'failed',
    error: failure,
    owner: deps.owner,
    now,
    events: (version) => failedAppends(analysis, failure, agent, version, now),
  });
  if (!finished) return 'lost';
  deps.hub.publish(analysis.tenantId, analysis.id, { type: 'status', status: 'failed' });
  return 'failed';
}

/** Shutdown: the run goes back to the queue for the next replica (its journal keeps what was done). */
async function release(pool: pg.Pool, analysis: AnalysisRecord, owner: string): Promise<RunEnd> {
  await withTransaction(
    pool,
    (client) =>
      client.query(
        `UPDATE ai_agents.analyses SET status = 'queued', owner = NULL, lease_until = NULL
          WHERE id = $1 AND owner = $2 AND status = 'running'`,
        [analysis.id, owner],
      ),
    { tenantId: analysis.tenantId },
  );
  return 'released';
}

/** Whether the replayed analysis ran with an LLM (its ai.analysis_started names the provider, or none). */
async function hadLlm(ctx: AgentsContext, analysis: AnalysisRecord): Promise<boolean> {
  const events = await withTransaction(
    ctx.pool,
    (client) => ctx.store.readStream(client, { aggregateType: 'ai_analysis', aggregateId: analysis.replayOf! }),
    { tenantId: analysis.tenantId },
  );
  const started = events.find((event) => event.type === 'ai.analysis_started');
  return started?.type === 'ai.analysis_started' && started.data.llmProvider !== 'none';
}

/** An event at a fixed version, once: a resumed run finds it written and goes on. */
async function appendOnce(pool: pg.Pool, ctx: AgentsContext, input: AppendInput): Promise<void> {
  try {
    await ctx.store.appendInOwnTransaction(pool, input);
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
  }
}
