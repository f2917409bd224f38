import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { errorCode, jsonObject, priority } from './values.ts';

const taskType = z.enum([
  'lead_scoring',
  'campaign_optimization',
  'content_generation',
  'seo_analysis',
  'digital_presence_audit',
  'market_research',
]);

const agent = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kebab-case agent name');

// One task is one aggregate (aggregateType agent_task, aggregateId = task id).
export const agentTaskAssigned = defineEvent({
  type: 'agent.task_assigned',
  aggregateType: 'agent_task',
  description: 'A task was handed to one AI agent, usually as a step of an analysis.',
  data: z.object({
    agent,
    taskType,
    /** The analysis this task belongs to, if any. */
    analysisId: z.uuid().nullable(),
    priority,
    input: jsonObject,
    deadline: z.iso.datetime().nullable(),
  }),
  example: {
    agent: 'lead-scorer',
    taskType: 'lead_scoring',
    analysisId: '0192f5a4-3d4e-7f50-9a61-728394a5b6c7',
    priority: 'normal',
    input: { leadId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b' },
    deadline: null,
  },
});

export const agentTaskCompleted = defineEvent({
  type: 'agent.task_completed',
  aggregateType: 'agent_task',
  description: 'The agent finished its task.',
  data: z.object({
    agent,
    taskType,
    output: jsonObject,
    durationMs: z.int().min(0),
  }),
  example: {
    agent: 'lead-scorer',
    taskType: 'lead_scoring',
    output: { score: 87 },
    durationMs: 2100,
  },
});

export const agentTaskFailed = defineEvent({
  type: 'agent.task_failed',
  aggregateType: 'agent_task',
  description: 'The agent could not finish its task.',
  data: z.object({
    agent,
    taskType,
    errorCode,
    errorMessage: z.string().max(2000),
    retryable: z.boolean(),
    attempt: z.int().min(1),
  }),
  example: {
    agent: 'seo-auditor',
    taskType: 'seo_analysis',
    errorCode: 'SITE_UNREACHABLE',
    errorMessage: 'https://example.com answered 503 three times',
    retryable: true,
    attempt: 3,
  },
});
