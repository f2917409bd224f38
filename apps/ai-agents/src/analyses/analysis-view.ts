import { z } from 'zod';
import type { AnalysisRecord } from './analysis-record.ts';
import { ANALYSIS_KINDS } from './analysis-kinds.ts';

const decimal = z.string().describe('decimal string');
const json = z.unknown().describe('JSON');

export const analysisKindSchema = z.enum(ANALYSIS_KINDS as [string, ...string[]]);
export const analysisStatusSchema = z.enum([
  'queued',
  'running',
  'awaiting_approval',
  'completed',
  'failed',
  'cancelled',
]);

export const analysisView = z.object({
  id: z.uuid(),
  analysisType: analysisKindSchema,
  status: analysisStatusSchema,
  subject: z.record(z.string(), json),
  options: z.record(z.string(), json),
  priority: z.enum(['low', 'normal', 'high', 'critical']),
  budget: z.object({
    maxSteps: z.int(),
    maxToolCalls: z.int(),
    maxTokens: z.int(),
    maxCost: decimal.nullable(),
    deadlineMs: z.int(),
  }),
  crew: z.object({ name: z.string(), version: z.string() }),
  correlationId: z.string(),
  replayOf: z.uuid().nullable(),
  result: json.nullable(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).nullable(),
  usage: z.object({
    steps: z.int(),
    toolCalls: z.int(),
    llmCalls: z.int(),
    promptTokens: z.int(),
    completionTokens: z.int(),
    totalTokens: z.int(),
    cost: decimal,
  }),
  attempts: z.int().describe('How many times a replica took the run up (more than one: it resumed after a restart)'),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  deadlineAt: z.iso.datetime(),
});
export type AnalysisView = z.infer<typeof analysisView>;

export const stepView = z.object({
  seq: z.int(),
  kind: z.enum(['llm', 'tool', 'approval']),
  agent: z.string(),
  name: z.string(),
  input: json,
  output: json,
  promptTokens: z.int(),
  completionTokens: z.int(),
  cost: decimal,
  durationMs: z.int(),
  recordedAt: z.iso.datetime(),
});

export const analysisDetail = analysisView.extend({
  steps: z.array(stepView),
  replay: z
    .object({
      of: z.uuid(),
      identical: z.boolean().nullable().describe('The same result as the replayed analysis (null until both finished)'),
    })
    .nullable(),
});

export function toView(analysis: AnalysisRecord): AnalysisView {
  return {
    id: analysis.id,
    analysisType: analysis.analysisType,
    status: analysis.status,
    subject: analysis.subject,
    options: analysis.options,
    priority: analysis.priority,
    budget: analysis.budget,
    crew: { name: analysis.crew, version: analysis.crewVersion },
    correlationId: analysis.correlationId,
    replayOf: analysis.replayOf,
    result: analysis.result,
    error: analysis.error,
    usage: {
      steps: analysis.steps,
      toolCalls: analysis.toolCalls,
      llmCalls: analysis.llmCalls,
      promptTokens: analysis.promptTokens,
      completionTokens: analysis.completionTokens,
      totalTokens: analysis.promptTokens + analysis.completionTokens,
      cost: analysis.cost,
    },
    attempts: analysis.attempts,
    createdAt: analysis.createdAt.toISOString(),
    startedAt: analysis.startedAt?.toISOString() ?? null,
    finishedAt: analysis.finishedAt?.toISOString() ?? null,
    deadlineAt: analysis.deadlineAt.toISOString(),
  };
}
