import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { CampaignContext } from '../context.ts';
import { findPlan, freezePlan } from '../plans/plan-store.ts';
import { enrolAudience } from './enrol-audience.ts';
import { executionChannels, executionIdOf, runExecutionCommand, type Cause } from './execution-store.ts';

/**
 * What a campaign's lifecycle event means for its executions (inside the inbox transaction):
 * launched freezes the plan, enrols the audience and starts one execution per channel of its
 * send steps; paused, resumed and completed drive every execution of the campaign. A campaign
 * launched without a plan has no execution here (its channels are ads, run elsewhere).
 */
export async function applyCampaignLifecycle(
  ctx: CampaignContext,
  client: pg.PoolClient,
  event: DomainEvent,
): Promise<void> {
  const { tenantId, aggregateId: campaignId } = event;
  switch (event.type) {
    case 'campaign.launched':
      return launch(ctx, client, event);
    case 'campaign.paused':
      for (const channel of await executionChannels(client, tenantId, campaignId))
        await runExecutionCommand(
          ctx,
          client,
          tenantId,
          channel,
          { type: 'pause', campaignId, reason: event.data.reason },
          event,
        );
      return;
    case 'campaign.resumed':
      for (const channel of await executionChannels(client, tenantId, campaignId))
        await runExecutionCommand(ctx, client, tenantId, channel, { type: 'resume', campaignId }, event);
      return;
    case 'campaign.completed':
      return completeExecutions(ctx, client, { tenantId, campaignId, reason: 'campaign_completed', causedBy: event });
    default:
      return;
  }
}

async function launch(ctx: CampaignContext, client: pg.PoolClient, event: DomainEvent): Promise<void> {
  const { tenantId, aggregateId: campaignId } = event;
  const plan = await findPlan(client, tenantId, campaignId, { forUpdate: true });
  if (!plan || !(await freezePlan(client, tenantId, campaignId, event, ctx.now()))) return;
  const channels = [...new Set(plan.steps.flatMap((step) => (step.type === 'send' ? [step.channel] : [])))];
  const size = await enrolAudience(
    ctx,
    client,
    tenantId,
    plan,
    executionIdOf(tenantId, campaignId, channels[0]!),
    event,
  );
  for (const channel of channels)
    await runExecutionCommand(
      ctx,
      client,
      tenantId,
      channel,
      { type: 'start', campaignId, channel, audienceSize: size, planVersion: plan.version },
      event,
    );
}

/**
 * Ends every execution of the campaign with its counts; recipients still on their way stop where
 * they are (their campaign ended) or have all finished (plan_finished).
 */
export async function completeExecutions(
  ctx: CampaignContext,
  client: pg.PoolClient,
  end: { tenantId: string; campaignId: string; reason: 'plan_finished' | 'campaign_completed'; causedBy?: Cause },
): Promise<void> {
  const { tenantId, campaignId, reason, causedBy } = end;
  await client.query(
    `UPDATE enrolments SET status = 'stopped', reason = 'campaign_completed', due_at = NULL, updated_at = $3
     WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'active'`,
    [tenantId, campaignId, ctx.now()],
  );
  const { rows } = await client.query<{ channel: string; enrolled: number; sent: number }>(
    `SELECT x.channel,
       (SELECT count(*)::int FROM enrolments e WHERE e.tenant_id = $1 AND e.campaign_id = $2 AND e.status <> 'skipped') AS enrolled,
       (SELECT count(*)::int FROM sends s WHERE s.tenant_id = $1 AND s.campaign_id = $2 AND s.channel = x.channel
          AND s.state = 'accepted') AS sent
     FROM executions x WHERE x.tenant_id = $1 AND x.campaign_id = $2`,
    [tenantId, campaignId],
  );
  for (const { channel, enrolled, sent } of rows)
    await runExecutionCommand(
      ctx,
      client,
      tenantId,
      channel,
      { type: 'complete', campaignId, reason, enrolled, sent },
      causedBy,
    );
}
