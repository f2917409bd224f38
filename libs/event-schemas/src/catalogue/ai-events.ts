import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { analysisType, errorCode, jsonObject, percentScore, priority } from './values.ts';

/** What an analysis looks at: an aggregate of ours, or a public website. */
const subject = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['lead', 'customer', 'campaign']), id: z.uuid() }),
  z.object({ type: z.literal('website'), url: z.url({ protocol: /^https?$/ }) }),
  /** Content to write from a brief (content generation). */
  z.object({ type: z.literal('brief'), brief: z.string().min(1).max(4000) }),
]);

// One analysis is one aggregate (aggregateType ai_analysis, aggregateId = analysis id):
// requested (v1) -> started (v2) -> completed | failed.
export const aiAnalysisRequested = defineEvent({
  type: 'ai.analysis_requested',
  aggregateType: 'ai_analysis',
  description: 'Some service asked the AI agents for an analysis.',
  data: z.object({
    analysisType,
    subject,
    priority,
    /** Analysis-specific inputs, e.g. { "lookbackDays": 30 }. */
    parameters: jsonObject,
  }),
  example: {
    analysisType: 'lead_scoring',
    subject: { type: 'lead', id: '0192f5a4-2c3d-7e4f-8a50-617283940a1b' },
    priority: 'high',
    parameters: {},
  },
});

export const aiAnalysisStarted = defineEvent({
  type: 'ai.analysis_started',
  aggregateType: 'ai_analysis',
  description: 'An agent crew picked up the analysis.',
  data: z.object({
    analysisType,
    crew: z.string().min(1).max(100),
    llmProvider: z.string().min(1).max(100),
  }),
  example: { analysisType: 'lead_scoring', crew: 'lead-scoring-crew', llmProvider: 'openai' },
});

export const aiAnalysisCompleted = defineEvent({
  type: 'ai.analysis_completed',
  aggregateType: 'ai_analysis',
  description: 'The analysis finished; `results` depends on the analysis type.',
  data: z.object({
    analysisType,
    summary: z.string().max(4000),
    confidence: percentScore,
    results: jsonObject,
    durationMs: z.int().min(0),
    tokensUsed: z.int().min(0).nullable(),
  }),
  example: {
    analysisType: 'lead_scoring',
    summary: 'Strong fit: budget confirmed, decision maker engaged',
    confidence: 92,
    results: { score: 87, factors: ['company_size', 'engagement'] },
    durationMs: 5400,
    tokensUsed: 1830,
  },
});

export const aiAnalysisFailed = defineEvent({
  type: 'ai.analysis_failed',
  aggregateType: 'ai_analysis',
  description: 'The analysis gave up or will be retried (see `retryable`).',
  data: z.object({
    analysisType,
    errorCode,
    errorMessage: z.string().max(2000),
    retryable: z.boolean(),
    attempt: z.int().min(1),
  }),
  example: {
    analysisType: 'seo_analysis',
    errorCode: 'LLM_TIMEOUT',
    errorMessage: 'The provider did not answer within 60 s',
    retryable: true,
    attempt: 1,
  },
});
