import { describe, expect, it } from 'vitest';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import {
  decideExecution,
  evolveExecution,
  initialExecution,
  type Execution,
  type ExecutionCommand,
  type ExecutionEvent,
} from './execution.ts';

const campaignId = '0192f5a4-0b1c-7d2e-9f30-415263748596';
const given = (...events: ExecutionEvent[]): Execution => events.reduce(evolveExecution, initialExecution());
const started: ExecutionEvent = {
  type: 'campaign.execution_started',
  data: { campaignId, channel: 'email', audienceSize: 3, planVersion: 1 },
};
const paused: ExecutionEvent = { type: 'campaign.execution_paused', data: { campaignId, reason: null } };
const start: ExecutionCommand = { type: 'start', campaignId, channel: 'email', audienceSize: 3, planVersion: 1 };
const complete: ExecutionCommand = { type: 'complete', campaignId, reason: 'plan_finished', enrolled: 3, sent: 3 };

describe('execution', () => {
  it('starts once: a redelivered launch yields nothing', () => {
    expect(decideExecution(given(), start)).toEqual([started]);
    expect(decideExecution(given(started), start)).toEqual([]);
  });

  it('pauses a running execution and resumes it; repeats yield nothing', () => {
    expect(decideExecution(given(started), { type: 'pause', campaignId, reason: null })).toEqual([paused]);
    expect(decideExecution(given(started, paused), { type: 'pause', campaignId, reason: null })).toEqual([]);
    expect(decideExecution(given(started, paused), { type: 'resume', campaignId })).toEqual([
      { type: 'campaign.execution_resumed', data: { campaignId } },
    ]);
    expect(decideExecution(given(started), { type: 'resume', campaignId })).toEqual([]);
  });

  it('completes once, from running or paused, and nothing changes it afterwards', () => {
    const completed = decideExecution(given(started, paused), complete);
    expect(completed).toEqual([
      { type: 'campaign.execution_completed', data: { campaignId, reason: 'plan_finished', enrolled: 3, sent: 3 } },
    ]);
    const after = given(started, ...completed);
    expect(decideExecution(after, complete)).toEqual([]);
    expect(decideExecution(after, { type: 'resume', campaignId })).toEqual([]);
    expect(decideExecution(after, { type: 'pause', campaignId, reason: null })).toEqual([]);
  });

  it('refuses to pause, resume or complete an execution that never started', () => {
    for (const command of [
      { type: 'pause', campaignId, reason: null },
      { type: 'resume', campaignId },
      complete,
    ] as const)
      expect(() => decideExecution(given(), command)).toThrow(BusinessRuleViolation);
  });
});
