import type pg from 'pg';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import type { CampaignContext } from '../context.ts';
import { CAMPAIGN_ACTOR, executionIdOf, type Cause } from '../executions/execution-store.ts';
import { REST_VARIANT } from './ab-test-schema.ts';
import type { AbStep } from './ab-step.ts';
import type { AbOutcome } from './choose-winner.ts';

export interface Decision {
  tenantId: string;
  campaignId: string;
  ab: { index: number; step: AbStep };
  outcome: AbOutcome;
  cause: Cause | undefined;
}

/**
 * Records an A/B step's winner once: the ab_winners row (its primary key makes a second decision
 * a no-op, false) with campaign.ab_winner_selected on the execution stream of the step's channel,
 * in the caller's transaction; then the rest waiting at the step are due now.
 */
export async function recordWinner(
  ctx: Pick<CampaignContext, 'store' | 'now'>,
  client: pg.ClientBase,
  decision: Decision,
): Promise<boolean> {
  const { tenantId, campaignId, ab } = decision;
  const now = ctx.now();
  const stream = {
    aggregateType: 'campaign_execution',
    aggregateId: executionIdOf(tenantId, campaignId, ab.step.channel),
  };
  const version = (await ctx.store.streamVersion(client, stream)) + 1;
  const event = winnerEvent(ctx, decision, stream.aggregateId, version);
  if (!(await insertWinner(client, decision, event.id, now))) return false;
  await ctx.store.append(client, { tenantId, ...stream, expectedVersion: version - 1, events: [event] });
  // The executions read model keeps the stream's version.
  await client.query('UPDATE executions SET version = $3, updated_at = $4 WHERE tenant_id = $1 AND execution_id = $2', [
    tenantId,
    stream.aggregateId,
    version,
    now,
  ]);
  await client.query(
    `UPDATE enrolments SET due_at = $5, updated_at = $5
     WHERE tenant_id = $1 AND campaign_id = $2 AND status = 'active' AND variant = $3 AND step_index = $4 AND due_at > $5`,
    [tenantId, campaignId, REST_VARIANT, ab.index, now],
  );
  return true;
}

/** The decision's row; false when the step already has one. */
async function insertWinner(client: pg.ClientBase, decision: Decision, eventId: string, now: Date): Promise<boolean> {
  const { tenantId, campaignId, ab, outcome } = decision;
  const { rowCount } = await client.query(
    `INSERT INTO ab_winners (tenant_id, campaign_id, step_id, metric, winner, variants, p_value, event_id, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      tenantId,
      campaignId,
      ab.step.id,
      ab.step.abTest.metric,
      outcome.winner,
      JSON.stringify(outcome.variants),
      outcome.pValue,
      eventId,
      now,
    ],
  );
  return rowCount === 1;
}

function winnerEvent(
  ctx: Pick<CampaignContext, 'now'>,
  { tenantId, campaignId, ab, outcome, cause }: Decision,
  executionId: string,
  version: number,
): EventEnvelope {
  return createEvent(
    {
      type: 'campaign.ab_winner_selected',
      tenantId,
      aggregateId: executionId,
      aggregateVersion: version,
      actor: CAMPAIGN_ACTOR,
      ...(cause && { causedBy: cause }),
      data: { campaignId, stepId: ab.step.id, metric: ab.step.abTest.metric, ...outcome },
    },
    { now: ctx.now },
  );
}
