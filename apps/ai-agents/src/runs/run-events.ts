import { createEvent, derivedId, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import type { AppendInput } from '@bizosaas/event-store';
import { catalogueSubjectOf, catalogueTypeOf } from '../analyses/analysis-kinds.ts';
import type { AnalysisRecord } from '../analyses/analysis-record.ts';
import type { CrewOutcome } from '../crews/crew.ts';
import type { FailureInfo } from './run-failure.ts';

// An analysis is one stream (ai_analysis-<id>): requested (v1) -> started (v2) -> completed |
// failed; a run cancelled or failing before it started ends at v2. Each agent of its crew has one
// task stream (agent_task-<task id>): assigned (v1) -> completed | failed (v2). started and
// assigned are appended at fixed versions, so a resumed run meets a ConcurrencyError instead of
// writing them twice; the one terminal event is appended by whoever moved the analyses row to its
// terminal status (the row lock decides), at the stream's version then.
export const RUNNER_ACTOR: Actor = { type: 'service', id: 'ai-agents' };

const causationOf = (analysis: AnalysisRecord) => ({
  correlationId: analysis.correlationId,
  causationId: analysis.id,
});

/** The id of an agent's task in an analysis: a UUID derived from both, so every replica finds the same. */
export const agentTaskId = (analysisId: string, agent: string): string => derivedId(analysisId, agent);

const single = (analysis: AnalysisRecord, expectedVersion: number, event: EventEnvelope): AppendInput => ({
  tenantId: analysis.tenantId,
  aggregateType: event.aggregateType,
  aggregateId: event.aggregateId,
  expectedVersion,
  events: [event],
});

export function requestedAppend(analysis: AnalysisRecord, actor: Actor, now: Date): AppendInput {
  const event = createEvent(
    {
      type: 'ai.analysis_requested',
      tenantId: analysis.tenantId,
      aggregateId: analysis.id,
      aggregateVersion: 1,
      actor,
      correlationId: analysis.correlationId,
      causationId: analysis.causationId,
      data: {
        analysisType: catalogueTypeOf(analysis.analysisType),
        subject: catalogueSubjectOf(analysis.analysisType, analysis.subject),
        priority: analysis.priority,
        parameters: analysis.options,
      },
    },
    { now: () => now },
  );
  return single(analysis, 0, event);
}

export function startedAppend(analysis: AnalysisRecord, llmProvider: string, now: Date): AppendInput {
  const event = createEvent(
    {
      type: 'ai.analysis_started',
      tenantId: analysis.tenantId,
      aggregateId: analysis.id,
      aggregateVersion: 2,
      actor: RUNNER_ACTOR,
      ...causationOf(analysis),
      data: { analysisType: catalogueTypeOf(analysis.analysisType), crew: analysis.crew, llmProvider },
    },
    { now: () => now },
  );
  return single(analysis, 1, event);
}

export function taskAssignedAppend(analysis: AnalysisRecord, agent: string, now: Date): AppendInput {
  const event = createEvent(
    {
      type: 'agent.task_assigned',
      tenantId: analysis.tenantId,
      aggregateId: agentTaskId(analysis.id, agent),
      aggregateVersion: 1,
      actor: RUNNER_ACTOR,
      ...causationOf(analysis),
      data: {
        agent,
        taskType: taskTypeOf(analysis),
        analysisId: analysis.id,
        priority: analysis.priority,
        input: analysis.subject,
        deadline: analysis.deadlineAt.toISOString(),
      },
    },
    { now: () => now },
  );
  return single(analysis, 0, event);
}

/** ai.analysis_completed and each assigned agent's agent.task_completed. */
export function completedAppends(
  analysis: AnalysisRecord,
  outcome: CrewOutcome,
  agents: ReadonlyMap<string, number>,
  tokensUsed: number,
  streamVersion: number,
  now: Date,
): AppendInput[] {
  const durationMs = Math.max(0, now.getTime() - (analysis.startedAt ?? analysis.createdAt).getTime());
  const completed = createEvent(
    {
      type: 'ai.analysis_completed',
      tenantId: analysis.tenantId,
      aggregateId: analysis.id,
      aggregateVersion: streamVersion + 1,
      actor: RUNNER_ACTOR,
      ...causationOf(analysis),
      data: {
        analysisType: catalogueTypeOf(analysis.analysisType),
        summary: outcome.summary.slice(0, 4000),
        confidence: outcome.confidence,
        results: outcome.results,
        durationMs,
        tokensUsed,
      },
    },
    { now: () => now },
  );
  const tasks = [...agents].map(([agent, steps]) =>
    createEvent(
      {
        type: 'agent.task_completed',
        tenantId: analysis.tenantId,
        aggregateId: agentTaskId(analysis.id, agent),
        aggregateVersion: 2,
        actor: RUNNER_ACTOR,
        ...causationOf(analysis),
        data: { agent, taskType: taskTypeOf(analysis), output: { steps }, durationMs },
      },
      { now: () => now },
    ),
  );
  return [single(analysis, streamVersion, completed), ...tasks.map((event) => single(analysis, 1, event))];
}

/** ai.analysis_failed, and agent.task_failed for the agent that was working (if any). */
export function failedAppends(
  analysis: AnalysisRecord,
  failure: FailureInfo,
  failingAgent: string | undefined,
  streamVersion: number,
  now: Date,
): AppendInput[] {
  const data = {
    errorCode: failure.code,
    errorMessage: failure.message.slice(0, 2000),
    retryable: failure.retryable,
    attempt: Math.max(1, analysis.attempts),
  };
  const failed = createEvent(
    {
      type: 'ai.analysis_failed',
      tenantId: analysis.tenantId,
      aggregateId: analysis.id,
      aggregateVersion: streamVersion + 1,
      actor: RUNNER_ACTOR,
      ...causationOf(analysis),
      data: { analysisType: catalogueTypeOf(analysis.analysisType), ...data },
    },
    { now: () => now },
  );
  const appends = [single(analysis, streamVersion, failed)];
  if (failingAgent)
    appends.push(
      single(
        analysis,
        1,
        createEvent(
          {
            type: 'agent.task_failed',
            tenantId: analysis.tenantId,
            aggregateId: agentTaskId(analysis.id, failingAgent),
            aggregateVersion: 2,
            actor: RUNNER_ACTOR,
            ...causationOf(analysis),
            data: { agent: failingAgent, taskType: taskTypeOf(analysis), ...data },
          },
          { now: () => now },
        ),
      ),
    );
  return appends;
}

/** The agent task types are the catalogue's analysis types (content_analysis is never produced here). */
function taskTypeOf(analysis: AnalysisRecord) {
  const type = catalogueTypeOf(analysis.analysisType);
  return type === 'content_analysis' ? 'content_generation' : type;
}
