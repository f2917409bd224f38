import type { FastifyBaseLogger } from 'fastify';
import type { PlatformClient } from '@bizosaas/platform-client';
import { createWakeableLoop, type WakeableLoop } from '@bizosaas/service-kit';
import { decideAbTests } from '../ab/decide-ab-tests.ts';
import type { CampaignContext } from '../context.ts';
import { completeExecutions } from '../executions/apply-campaign-lifecycle.ts';
import { runRound, type Target } from './run-round.ts';

const DUE = `SELECT DISTINCT x.tenant_id AS "tenantId", x.campaign_id AS "campaignId" FROM executions x
  WHERE x.status = 'running' AND EXISTS (
    SELECT 1 FROM enrolments e WHERE e.tenant_id = x.tenant_id AND e.campaign_id = x.campaign_id
      AND e.status = 'active' AND e.due_at <= $1 AND (e.lease_until IS NULL OR e.lease_until < $1))`;
const FINISHED = `SELECT DISTINCT x.tenant_id AS "tenantId", x.campaign_id AS "campaignId" FROM executions x
  WHERE x.status = 'running' AND NOT EXISTS (
    SELECT 1 FROM enrolments e WHERE e.tenant_id = x.tenant_id AND e.campaign_id = x.campaign_id AND e.status = 'active')`;

/**
 * Sends what is due, for every tenant: finds running campaigns with due enrolments (worker
 * role), runs DISPATCH_CONCURRENCY rounds at once over them in turn (rounds of one campaign
 * claim disjoint rows), chooses the winners of A/B tests that are over, and completes executions
 * whose recipients have all finished.
 */
export function createDispatcher(
  ctx: CampaignContext,
  notification: PlatformClient,
  log: FastifyBaseLogger,
): WakeableLoop {
  let stopping = false;

  async function roundsOver(targets: Target[]): Promise<boolean> {
    let busy = false;
    let next = 0;
    const worker = async () => {
      while (!stopping && targets.length > 0) {
        const target = targets[next++ % targets.length]!;
        const claimed = await runRound(ctx, notification, target).catch((error: unknown) => {
          log.warn({ err: error, ...target }, 'dispatch round failed; its sends go again after their lease');
          return 0;
        });
        if (claimed > 0) busy = true;
        else if (targets.includes(target)) targets.splice(targets.indexOf(target), 1);
      }
    };
    await Promise.all(Array.from({ length: ctx.config.DISPATCH_CONCURRENCY }, worker));
    return busy;
  }

  async function completeFinished(): Promise<void> {
    const { rows } = await ctx.worker.query<Target>(FINISHED);
    for (const { tenantId, campaignId } of rows)
      await ctx.store.transaction(ctx.pool, tenantId, (client) =>
        completeExecutions(ctx, client, { tenantId, campaignId, reason: 'plan_finished' }),
      );
  }

  async function pass(): Promise<boolean> {
    const { rows } = await ctx.worker.query<Target>(DUE, [ctx.now()]);
    const busy = await roundsOver(rows);
    // A decided test makes the rest of its audience due: send them without waiting for the poll.
    const decided = await decideAbTests(ctx, log);
    await completeFinished();
    return busy || decided > 0;
  }

  const loop = createWakeableLoop(pass, {
    idleMs: ctx.config.DISPATCH_POLL_INTERVAL_MS,
    onError: (error) => log.error({ err: error }, 'dispatcher pass failed'),
  });
  return {
    ...loop,
    // Rounds in flight finish; no new one starts.
    async stop() {
      stopping = true;
      await loop.stop();
    },
  };
}
