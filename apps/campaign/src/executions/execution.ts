import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { EventData } from '@bizosaas/event-schemas';

// One execution per campaign and channel (stream campaign_execution-<id>), driven only by the
// campaign's events: pending (a plan, no launch yet) -> running <-> paused -> completed. A
// repeated command (a redelivered campaign event) yields no events.

type ExecutionEventType =
  | 'campaign.execution_started'
  | 'campaign.execution_paused'
  | 'campaign.execution_resumed'
  | 'campaign.execution_completed';

export type ExecutionEvent = {
  [T in ExecutionEventType]: { readonly type: T; readonly data: EventData<T> };
}[ExecutionEventType];

const EXECUTION_TYPES: ReadonlySet<string> = new Set<ExecutionEventType>([
  'campaign.execution_started',
  'campaign.execution_paused',
  'campaign.execution_resumed',
  'campaign.execution_completed',
]);

/** An event of an execution stream (the only kind it holds; the guard narrows a read one). */
export const isExecutionEvent = (event: { type: string }): event is ExecutionEvent => EXECUTION_TYPES.has(event.type);

export type Execution =
  { readonly status: 'pending' } | { readonly status: 'running' | 'paused' | 'completed'; readonly campaignId: string };

export const initialExecution = (): Execution => ({ status: 'pending' });

export function evolveExecution(state: Execution, event: ExecutionEvent): Execution {
  const { campaignId } = event.data;
  switch (event.type) {
    case 'campaign.execution_started':
    case 'campaign.execution_resumed':
      return { status: 'running', campaignId };
    case 'campaign.execution_paused':
      return { status: 'paused', campaignId };
    case 'campaign.execution_completed':
      return { status: 'completed', campaignId };
  }
}

export type ExecutionCommand =
  | {
      type: 'start';
      campaignId: string;
      channel: EventData<'campaign.execution_started'>['channel'];
      audienceSize: number;
      planVersion: number;
    }
  | { type: 'pause'; campaignId: string; reason: string | null }
  | { type: 'resume'; campaignId: string }
  | {
      type: 'complete';
      campaignId: string;
      reason: 'plan_finished' | 'campaign_completed';
      enrolled: number;
      sent: number;
    };

export function decideExecution(state: Execution, command: ExecutionCommand): ExecutionEvent[] {
  switch (command.type) {
    case 'start': {
      if (state.status !== 'pending') return [];
      const { campaignId, channel, audienceSize, planVersion } = command;
      return [{ type: 'campaign.execution_started', data: { campaignId, channel, audienceSize, planVersion } }];
    }
    case 'pause':
      if (state.status === 'paused' || state.status === 'completed') return [];
      requireStarted(state, command.type);
      return [{ type: 'campaign.execution_paused', data: { campaignId: command.campaignId, reason: command.reason } }];
    case 'resume':
      if (state.status === 'running' || state.status === 'completed') return [];
      requireStarted(state, command.type);
      return [{ type: 'campaign.execution_resumed', data: { campaignId: command.campaignId } }];
    case 'complete': {
      if (state.status === 'completed') return [];
      requireStarted(state, command.type);
      const { campaignId, reason, enrolled, sent } = command;
      return [{ type: 'campaign.execution_completed', data: { campaignId, reason, enrolled, sent } }];
    }
  }
}

function requireStarted(state: Execution, command: string): void {
  if (state.status === 'pending')
    throw new BusinessRuleViolation('execution_not_started', `Cannot ${command} an execution that has not started`, {
      currentStatus: state.status,
    });
}
