import type pg from 'pg';
import { AppError } from '@bizosaas/ddd-kernel';
import { uuidv7, type Actor } from '@bizosaas/event-schemas';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { syncStarted } from './run-events.ts';
import { getSync, nextRunAt } from './sync-store.ts';

/** A run this replica holds the lease of, to be executed. */
export interface ClaimedRun {
  tenantId: string;
  syncId: string;
  runId: string;
  leaseUntil: Date;
  /** Taken over from a replica whose lease expired (or that handed it back). */
  resumed: boolean;
}

type StartContext = Pick<IntegrationContext, 'pool' | 'outbox' | 'config' | 'now'>;

/**
 * Starts a run: the sync's row is locked, so however many replicas and callers try at once there
 * is one run going per sync. On demand, a run already going answers 409 with its id; by the
 * schedule, a sync that is running or no longer due is left alone (null).
 */
export interface RunStart {
  trigger: 'manual' | 'schedule';
  actor: Actor;
  leaseMs: number;
}

export function startRun(
  ctx: StartContext,
  tenantId: string,
  syncId: string,
  start: RunStart & { trigger: 'manual' },
): Promise<ClaimedRun>;
export function startRun(
  ctx: StartContext,
  tenantId: string,
  syncId: string,
  start: RunStart,
): Promise<ClaimedRun | null>;
export async function startRun(
  ctx: StartContext,
  tenantId: string,
  syncId: string,
  start: RunStart,
): Promise<ClaimedRun | null> {
  return tenantTransaction(ctx, tenantId, async (client, publish) => {
    const { view, stored } = await getSync(client, syncId, { forUpdate: true });
    const now = ctx.now();
    if (view.runningRunId !== null) {
      if (start.trigger === 'schedule') return null;
      throw new AppError('CONFLICT', 409, 'A run of this sync is going on', { runId: view.runningRunId });
    }
    if (start.trigger === 'schedule') {
      const due = nextRunAt({
        schedule: view.schedule,
        enabled: view.enabled,
        lastRunAt: view.lastRunAt === null ? null : new Date(view.lastRunAt),
        createdAt: new Date(view.createdAt),
      });
      if (due === null || due > now) return null;
    }
    const runId = uuidv7();
    const leaseUntil = new Date(now.getTime() + start.leaseMs);
    await client.query(
      `INSERT INTO integration.sync_runs (id, tenant_id, sync_id, status, started_at, lease_until)
       VALUES ($1, $2, $3, 'running', $4, $5)`,
      [runId, tenantId, syncId, now, leaseUntil],
    );
    await client.query('UPDATE integration.syncs SET last_run_at = $2 WHERE id = $1', [syncId, now]);
    const ref = { tenantId, syncId, runId, connectionId: stored.connectionId, model: stored.model };
    await publish([syncStarted(ref, stored.mode, start.trigger, start.actor, ctx.now)]);
    return { tenantId, syncId, runId, leaseUntil, resumed: false };
  });
}

/** Syncs whose schedule is due now and that have no run going, every tenant's (worker role). */
export async function dueSyncs(worker: pg.Pool, now: Date): Promise<{ tenantId: string; syncId: string }[]> {
  const { rows } = await worker.query<{
    id: string;
    tenant_id: string;
    schedule: string;
    last_run_at: Date | null;
    created_at: Date;
  }>(
    `SELECT s.id, s.tenant_id, s.schedule, s.last_run_at, s.created_at FROM integration.syncs s
     WHERE s.enabled AND s.schedule IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM integration.sync_runs r WHERE r.sync_id = s.id AND r.status = 'running')`,
  );
  return rows
    .filter((row) => {
      const due = nextRunAt({ ...row, enabled: true, lastRunAt: row.last_run_at, createdAt: row.created_at });
      return due !== null && due <= now;
    })
    .map((row) => ({ tenantId: row.tenant_id, syncId: row.id }));
}

/**
 * Takes over up to `limit` runs of one kind whose lease has expired (their replica died or handed
 * them back), every tenant's, in one statement: each claimed by one replica only. Passes (`sync`)
 * are the sync runner's, replays the replay runner's.
 */
export async function claimExpiredRuns(
  worker: pg.Pool,
  now: Date,
  leaseMs: number,
  limit: number,
  kind: 'sync' | 'replay' = 'sync',
): Promise<ClaimedRun[]> {
  if (limit <= 0) return [];
  const { rows } = await worker.query<{ id: string; tenant_id: string; sync_id: string; lease_until: Date }>(
    `UPDATE integration.sync_runs SET lease_until = $2
     WHERE id IN (SELECT id FROM integration.sync_runs WHERE status = 'running' AND kind = $4 AND lease_until <= $1
                  ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id, tenant_id, sync_id, lease_until`,
    [now, new Date(now.getTime() + leaseMs), limit, kind],
  );
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    syncId: row.sync_id,
    runId: row.id,
    leaseUntil: row.lease_until,
    resumed: true,
  }));
}
