import type { FastifyBaseLogger } from 'fastify';
import type { PlatformClient } from '@bizosaas/platform-client';
import { decideAbTests } from '../ab/decide-ab-tests.ts';
import type { CampaignContext } from '../context.ts';
import { completeExecutions } from '../executions/apply-campaign-lifecycle.ts';
import { runRound, type Target } from './run-round.ts';

export interface Dispatcher {
  start(): void;
  /** Lets the rounds in flight finish. */
  stop(): Promise<void>;
  /** Something became due (a launch, a resume): look now instead of at the next poll. */
  wake(): void;
}

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
): Dispatcher {
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function roundsOver(targets: Target[]): Promise<boolean> {
    let busy = false;
    let next = 0;
    const worker = async () => {
      while (running && targets.length > 0) {
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

  async function run(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        const { rows } = await ctx.worker.query<Target>(DUE, [ctx.now()]);
        busy = await roundsOver(rows);
        // A decided test makes the rest of its audience due: send them without waiting for the poll.
        if ((await decideAbTests(ctx, log)) > 0) busy = true;
        await completeFinished();
      } catch (error) {
        log.error({ err: error }, 'dispatcher pass failed');
      }
      if (!busy && running) await sleep(ctx.config.DISPATCH_POLL_INTERVAL_MS);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
    wake: () => wakeUp?.(),
  };
}
