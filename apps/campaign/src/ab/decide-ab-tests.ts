import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import type { CampaignContext } from '../context.ts';
import { findPlan, launchCause } from '../plans/plan-store.ts';
import { lastTestSendAt, testPending, variantCounts } from './ab-results.ts';
import { abStepOf, type AbStep } from './ab-step.ts';
import { chooseWinner, type AbOutcome } from './choose-winner.ts';
import { recordWinner } from './record-winner.ts';

type Deps = Pick<CampaignContext, 'pool' | 'worker' | 'store' | 'now'>;

// Running campaigns of every tenant whose plan has an A/B step without a winner yet.
const UNDECIDED = `SELECT DISTINCT x.tenant_id AS "tenantId", x.campaign_id AS "campaignId" FROM executions x
  JOIN plans p ON p.tenant_id = x.tenant_id AND p.campaign_id = x.campaign_id
  WHERE x.status = 'running' AND p.frozen_at IS NOT NULL AND jsonb_path_exists(p.steps, '$[*].abTest')
    AND NOT EXISTS (SELECT 1 FROM ab_winners w WHERE w.tenant_id = x.tenant_id AND w.campaign_id = x.campaign_id)`;

/** Decides every A/B test whose time has come (worker role finds them); returns how many it decided. */
export async function decideAbTests(ctx: Deps, log: FastifyBaseLogger): Promise<number> {
  const { rows } = await ctx.worker.query<{ tenantId: string; campaignId: string }>(UNDECIDED);
  let decided = 0;
  for (const target of rows) {
    const outcome = await decideAbTest(ctx, target.tenantId, target.campaignId).catch((error: unknown) => {
      log.warn({ err: error, ...target }, 'deciding an A/B test failed; the next pass tries again');
      return undefined;
    });
    if (outcome) decided += 1;
  }
  return decided;
}

/**
 * Chooses the winner of the campaign's A/B step once its test is over: no test recipient is still
 * on its way to the step, and `waitHours` have passed since the last test send (a test nobody could
 * be sent is over at once). Returns the outcome when this call recorded it.
 */
export async function decideAbTest(ctx: Deps, tenantId: string, campaignId: string): Promise<AbOutcome | undefined> {
  const now = ctx.now();
  return ctx.store.transaction(ctx.pool, tenantId, async (client) => {
    const plan = await findPlan(client, tenantId, campaignId);
    const ab = plan?.frozenAt ? abStepOf(plan.steps) : undefined;
    if (!ab) return undefined;
    const waiting = async () => {
      const lastSentAt = await lastTestSendAt(client, tenantId, campaignId, ab.step.id);
      return lastSentAt !== null && lastSentAt.getTime() + ab.step.abTest.waitHours * 3_600_000 > now.getTime();
    };
    // The cheap look first: most passes fall inside the wait. The last send is read again after
    // nothing was found pending, so a send recorded in between is not missed.
    if ((await waiting()) || (await testPending(client, tenantId, campaignId, ab.index)) || (await waiting()))
      return undefined;
    return decide(ctx, client, { tenantId, campaignId, ab });
  });
}

async function decide(
  ctx: Deps,
  client: pg.PoolClient,
  target: { tenantId: string; campaignId: string; ab: { index: number; step: AbStep } },
): Promise<AbOutcome | undefined> {
  const { tenantId, campaignId, ab } = target;
  // A dispatch round parks recipients of the rest under this lock: every one it parked is woken.
  await findPlan(client, tenantId, campaignId, { forUpdate: true });
  const outcome = chooseWinner(await variantCounts(client, tenantId, campaignId, ab.step));
  const cause = await launchCause(client, tenantId, campaignId);
  return (await recordWinner(ctx, client, { ...target, outcome, cause })) ? outcome : undefined;
}
