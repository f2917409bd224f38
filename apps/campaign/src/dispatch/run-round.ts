import type { PlatformClient } from '@bizosaas/platform-client';
import { abStepOf } from '../ab/ab-step.ts';
import { findWinners } from '../ab/winners-store.ts';
import { findCampaign } from '../campaigns/campaign-read-model.ts';
import { findCap } from '../caps/frequency-cap.routes.ts';
import type { CampaignContext } from '../context.ts';
import { findPlan, launchCause } from '../plans/plan-store.ts';
import { applyMoves } from './apply-moves.ts';
import { claimDue, rateAllowance } from './claim-batch.ts';
import { planRound } from './plan-round.ts';
import { recordSends } from './record-sends.ts';
import { reserveSends } from './reserve-sends.ts';
import { sendBatch } from './send-batch.ts';

export interface Target {
  tenantId: string;
  campaignId: string;
}

/**
 * One dispatch round of a campaign: claim a batch of due enrolments and reserve their sends (one
 * transaction), send them to notification in one batch trigger, record the answer (another).
 * Returns how many enrolments it claimed (0: nothing was due, or the campaign's rate is spent).
 */
export async function runRound(ctx: CampaignContext, notification: PlatformClient, target: Target): Promise<number> {
  const { tenantId, campaignId } = target;
  const now = ctx.now();
  const prepared = await ctx.store.transaction(ctx.pool, tenantId, async (client) => {
    // Rounds run side by side, but wait for an A/B decision, which holds the plan's row
    // exclusively, so no round plans with the winners it read before the decision. Rounds of a
    // campaign with a send rate take turns (the rate counts what the previous one reserved).
    const plan = await findPlan(client, tenantId, campaignId, { forShare: true });
    if (!plan?.frozenAt) return undefined;
    if (plan.sendRatePerMinute !== null)
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`campaign-rate:${campaignId}`]);
    const limit = Math.min(ctx.config.DISPATCH_BATCH_SIZE, await rateAllowance(client, tenantId, plan, now));
    if (limit <= 0) return undefined;
    const leaseUntil = new Date(now.getTime() + ctx.config.DISPATCH_LEASE_MS);
    const claimed = await claimDue(client, tenantId, plan, now, leaseUntil, limit);
    if (claimed.length === 0) return undefined;
    const winners = abStepOf(plan.steps) ? await findWinners(client, tenantId, campaignId) : new Map<string, string>();
    const { sends, moves } = planRound(plan.steps, claimed, winners, now);
    const { reserved, capped } = await reserveSends(
      client,
      tenantId,
      campaignId,
      plan.steps,
      sends,
      await findCap(client, tenantId),
      now,
    );
    await applyMoves(client, tenantId, campaignId, [...moves, ...capped], new Map(), now);
    const campaign = await findCampaign(client, tenantId, campaignId);
    const cause = await launchCause(client, tenantId, campaignId);
    return { plan, reserved, claimed: claimed.length, name: campaign?.name ?? null, cause };
  });
  if (!prepared) return 0;
  const { plan, reserved, cause } = prepared;
  if (reserved.length > 0) {
    const results = await sendBatch(
      notification,
      tenantId,
      { campaignId, name: prepared.name },
      reserved,
      cause?.correlationId,
    );
    await ctx.store.transaction(ctx.pool, tenantId, (client) =>
      recordSends(ctx, client, { tenantId, campaignId, steps: plan.steps, reserved, results, cause }),
    );
  }
  return prepared.claimed;
}
