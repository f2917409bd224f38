import type { AnalysisKind, JsonObject, JsonValue } from '../crews/crew.ts';
import type { Budget } from '../runs/budget.ts';
import type { FailureInfo } from '../runs/run-failure.ts';

export type AnalysisStatus = 'queued' | 'running' | 'awaiting_approval' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly AnalysisStatus[] = ['completed', 'failed', 'cancelled'];

/** An analyses row as the runner and the routes read it. */
export interface AnalysisRecord {
  id: string;
  tenantId: string;
  analysisType: AnalysisKind;
  subject: JsonObject;
  options: JsonObject;
  budget: Budget;
  crew: string;
  crewVersion: string;
  status: AnalysisStatus;
  priority: 'low' | 'normal' | 'high' | 'critical';
  correlationId: string;
  causationId: string | null;
  requestedBy: string | null;
  replayOf: string | null;
  owner: string | null;
  attempts: number;
  result: JsonValue | null;
  error: FailureInfo | null;
  steps: number;
  toolCalls: number;
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
  /** decimal string */
  cost: string;
  deadlineAt: Date;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const ANALYSIS_COLUMNS = `id, tenant_id, analysis_type, subject, options, budget, crew, crew_version, status, priority,
  correlation_id, causation_id, requested_by, replay_of, owner, attempts, result, error, steps, tool_calls, llm_calls,
  prompt_tokens, completion_tokens, cost::text AS cost, deadline_at, created_at, started_at, finished_at`;

export interface AnalysisRow {
  id: string;
  tenant_id: string;
  analysis_type: AnalysisKind;
  subject: JsonObject;
  options: JsonObject;
  budget: Budget;
  crew: string;
  crew_version: string;
  status: AnalysisStatus;
  priority: AnalysisRecord['priority'];
  correlation_id: string;
  causation_id: string | null;
  requested_by: string | null;
  replay_of: string | null;
  owner: string | null;
  attempts: number;
  result: JsonValue | null;
  error: FailureInfo | null;
  steps: number;
  tool_calls: number;
  llm_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost: string;
  deadline_at: Date;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export const toAnalysis = (row: AnalysisRow): AnalysisRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  analysisType: row.analysis_type,
  subject: row.subject,
  options: row.options,
  budget: row.budget,
  crew: row.crew,
  crewVersion: row.crew_version,
  status: row.status,
  priority: row.priority,
  correlationId: row.correlation_id,
  causationId: row.causation_id,
  requestedBy: row.requested_by,
  replayOf: row.replay_of,
  owner: row.owner,
  attempts: row.attempts,
  result: row.result,
  error: row.error,
  steps: row.steps,
  toolCalls: row.tool_calls,
  llmCalls: row.llm_calls,
  promptTokens: row.prompt_tokens,
  completionTokens: row.completion_tokens,
  cost: row.cost,
  deadlineAt: row.deadline_at,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});
