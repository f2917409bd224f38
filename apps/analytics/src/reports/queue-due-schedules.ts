import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { insertReport } from './report-store.ts';
import type { ReportRequest } from './report-request.ts';

/** The first time after `after` the cron expression names in the zone (null: never again). */
export function nextRunOf(cron: string, timezone: string, after: Date): Date | null {
  return new Cron(cron, { timezone, paused: true }).nextRun(after);
}

interface DueRow {
  tenant_id: string;
  id: string;
  cron: string;
  timezone: string;
  request: ReportRequest;
  next_run_at: Date;
  created_by: string | null;
}

/**
 * Queues one report per due schedule (next_run_at <= now), as the worker role across tenants,
 * and moves the schedule to its next time after now (missed times are not caught up one by one).
 * Exactly once per due time: the report is inserted in the transaction whose UPDATE moved
 * next_run_at from that very time, so a replica seeing the same schedule moves nothing and
 * queues nothing. Returns how many reports were queued.
 */
export async function queueDueSchedules(worker: pg.Pool, now: Date, limit = 50): Promise<number> {
  const { rows } = await worker.query<DueRow>(
    `SELECT tenant_id, id, cron, timezone, request, next_run_at, created_by FROM analytics.report_schedules
      WHERE active AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2`,
    [now, limit],
  );
  let queued = 0;
  for (const due of rows) if (await queueOne(worker, due, now)) queued += 1;
  return queued;
}

async function queueOne(worker: pg.Pool, due: DueRow, now: Date): Promise<boolean> {
  const next = nextRunOf(due.cron, due.timezone, now);
  return withTransaction(
    worker,
    async (client) => {
      const moved = await client.query(
        `UPDATE analytics.report_schedules SET next_run_at = $3, active = $4, updated_at = $5
          WHERE tenant_id = $1 AND id = $2 AND next_run_at = $6 RETURNING id`,
        [due.tenant_id, due.id, next, next !== null, now, due.next_run_at],
      );
      if (moved.rowCount === 0) return false;
      await insertReport(client, {
        tenantId: due.tenant_id,
        id: randomUUID(),
        request: due.request,
        scheduleId: due.id,
        requestedBy: due.created_by,
        correlationId: randomUUID(),
        now,
      });
      return true;
    },
    { tenantId: due.tenant_id },
  );
}
