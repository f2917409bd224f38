import type { AnalysisRecord } from '../analyses/analysis-record.ts';
import type { StepContext } from '../crews/crew.ts';
import type { LlmClient } from '../llm/chat.ts';
import type { JournalStep } from '../runs/journal.ts';
import { recordedChatResponse } from '../runs/recorded-chat.ts';
import { RunFailure } from '../runs/run-failure.ts';

/**
 * The StepContext of an eval: a crew version meets a recorded analysis's world again. Tool calls
 * and approval decisions are answered from the recording, in order, and never made (an eval
 * changes nothing); LLM calls go to `llm` when given, so a new prompt or model is judged on real
 * past inputs, or else are answered from the recording too. A tool call the recording does not
 * have at that point ends the item as diverged.
 */
export function createEvalStepContext(
  source: AnalysisRecord,
  steps: readonly JournalStep[],
  llm: LlmClient | null,
): StepContext {
  const tools = steps.filter((step) => step.kind !== 'llm');
  const answers = steps.filter((step) => step.kind === 'llm');
  let tool = 0;
  let answer = 0;
  const next = (agent: string, name: string, kind: JournalStep['kind']) => {
    const step = tools[tool++];
    if (!step || step.kind !== kind || step.agent !== agent || step.name !== name)
      throw new RunFailure('REPLAY_DIVERGED', `the recording has no ${kind} ${agent}/${name} at this point`);
    return step;
  };
  return {
    tenantId: source.tenantId,
    analysisId: source.id,
    correlationId: source.correlationId,
    requestedAt: source.createdAt,
    llmAvailable: llm !== null || answers.length > 0,
    async tool(agent, name, _args, _run, options) {
      if (options?.approval) {
        const decision = next(agent, name, 'approval').output as { approved?: boolean; reason?: string };
        if (decision.approved !== true) return { declined: true, reason: decision.reason ?? 'declined' };
      }
      return next(agent, name, 'tool').output as never;
    },
    async llm(agent, request) {
      if (llm) return llm.chat(request);
      const step = answers[answer++];
      if (!step || step.agent !== agent)
        throw new RunFailure('REPLAY_DIVERGED', `the recording has no LLM answer of ${agent} at this point`);
      return recordedChatResponse(step.output);
    },
  };
}
