import type pg from 'pg';
import { createEvent, derivedId, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import type { CampaignContext } from '../context.ts';
import {
  decideExecution,
  evolveExecution,
  initialExecution,
  isExecutionEvent,
  type Execution,
  type ExecutionCommand,
  type ExecutionEvent,
} from './execution.ts';

export const CAMPAIGN_ACTOR: Actor = { type: 'service', id: 'campaign' };
const AGGREGATE = 'campaign_execution';

/** The event a change answers to: its events carry its correlation and name it as their cause. */
export interface Cause {
  id: string;
  correlationId: string;
}

/** The execution of a campaign's channel: one id every replica derives alike. */
export const executionIdOf = (tenantId: string, campaignId: string, channel: string) =>
  derivedId('campaign_execution', tenantId, campaignId, channel);

/**
 * Runs a command on one execution inside the caller's tenant transaction: load, decide, append
 * at the loaded version (a concurrent writer fails the transaction with CONCURRENCY_EXCEPTION),
 * and keep the executions table (its read model) in step.
 */
export async function runExecutionCommand(
  ctx: CampaignContext,
  client: pg.PoolClient,
  tenantId: string,
  channel: string,
  command: ExecutionCommand,
  causedBy?: Cause,
): Promise<ExecutionEvent[]> {
  const executionId = executionIdOf(tenantId, command.campaignId, channel);
  const { state, version } = await ctx.store.load<Execution>(client, {
    aggregateType: AGGREGATE,
    aggregateId: executionId,
    initialState: initialExecution(),
    evolve: (current, event) => (isExecutionEvent(event) ? evolveExecution(current, event) : current),
  });
  const decided = decideExecution(state, command);
  if (decided.length === 0) return [];
  const events = decided.map((event, i) =>
    createEvent(
      {
        ...event,
        tenantId,
        aggregateId: executionId,
        aggregateVersion: version + i + 1,
        actor: CAMPAIGN_ACTOR,
        ...(causedBy && { causedBy }),
      },
      { now: ctx.now },
    ),
  ) as EventEnvelope[];
  await ctx.store.append(client, {
    tenantId,
    aggregateType: AGGREGATE,
    aggregateId: executionId,
    expectedVersion: version,
    events,
  });
  for (const event of events) await project(client, event as EventEnvelope & ExecutionEvent, channel);
  return decided;
}

async function project(client: pg.ClientBase, event: EventEnvelope & ExecutionEvent, channel: string): Promise<void> {
  const key = [event.tenantId, event.aggregateId, event.aggregateVersion, event.occurredAt];
  switch (event.type) {
    case 'campaign.execution_started':
      await client.query(
        `INSERT INTO executions (tenant_id, execution_id, version, updated_at, started_at, campaign_id, channel, status, plan_version, audience_size)
         VALUES ($1, $2, $3, $4, $4, $5, $6, 'running', $7, $8)`,
        [...key, event.data.campaignId, channel, event.data.planVersion, event.data.audienceSize],
      );
      return;
    case 'campaign.execution_paused':
    case 'campaign.execution_resumed':
      await client.query(
        'UPDATE executions SET status = $5, version = $3, updated_at = $4 WHERE tenant_id = $1 AND execution_id = $2',
        [...key, event.type === 'campaign.execution_paused' ? 'paused' : 'running'],
      );
      return;
    case 'campaign.execution_completed':
      await client.query(
        `UPDATE executions SET status = 'completed', ended_at = $4, end_reason = $5, version = $3, updated_at = $4
         WHERE tenant_id = $1 AND execution_id = $2`,
        [...key, event.data.reason],
      );
      return;
  }
}

/** The channels a campaign's executions run on (those started so far). */
export async function executionChannels(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
): Promise<string[]> {
  const { rows } = await client.query<{ channel: string }>(
    'SELECT channel FROM executions WHERE tenant_id = $1 AND campaign_id = $2 ORDER BY channel',
    [tenantId, campaignId],
  );
  return rows.map((row) => row.channel);
}
