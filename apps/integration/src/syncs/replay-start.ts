import { AppError, BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { withTransaction } from '@bizosaas/db';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import type { ReplayWindow } from './replay-window.ts';
import type { ClaimedRun } from './start-run.ts';
import { getSync } from './sync-store.ts';
import type { SyncModel } from './sync.ts';

/** Models whose archived events a replay forwards again: contacts go to domain-repository; metrics go nowhere but the stream. */
export const REPLAYABLE_MODELS: readonly SyncModel[] = ['contacts'];

/**
 * Starts a replay of the sync's archived records in `window`: a run of kind `replay` under the
 * sync's row lock, so it is the one run of the sync going (409 with its id while another runs,
 * as a run on demand; the unique index on running runs holds it across replicas too).
 */
export async function startReplay(
  ctx: Pick<IntegrationContext, 'pool' | 'now'>,
  tenantId: string,
  syncId: string,
  window: ReplayWindow,
  leaseMs: number,
): Promise<ClaimedRun> {
  return withTransaction(
    ctx.pool,
    async (client) => {
      const { view, stored } = await getSync(client, syncId, { forUpdate: true });
      if (!REPLAYABLE_MODELS.includes(stored.model))
        throw new BusinessRuleViolation('replay_model_unsupported', `A ${stored.model} sync cannot be replayed`, {
          model: stored.model,
          supported: REPLAYABLE_MODELS,
        });
      if (view.runningRunId !== null)
        throw new AppError('CONFLICT', 409, 'A run of this sync is going on', { runId: view.runningRunId });
      const runId = uuidv7();
      const now = ctx.now();
      const leaseUntil = new Date(now.getTime() + leaseMs);
      await client.query(
        `INSERT INTO integration.sync_runs (id, tenant_id, sync_id, status, started_at, lease_until, kind, window_from, window_to)
         VALUES ($1, $2, $3, 'running', $4, $5, 'replay', $6, $7)`,
        [runId, tenantId, syncId, now, leaseUntil, window.from, window.to],
      );
      return { tenantId, syncId, runId, leaseUntil, resumed: false };
    },
    { tenantId },
  );
}
