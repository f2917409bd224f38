import type pg from 'pg';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@bizosaas/service-kit';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { ReportRequest } from './report-request.ts';

export interface ScheduleRow {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  request: ReportRequest;
  active: boolean;
  next_run_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = 'id, name, cron, timezone, request, active, next_run_at, created_by, created_at';

export async function insertSchedule(
  client: pg.ClientBase,
  s: { tenantId: string; id: string; name: string; cron: string; timezone: string; request: ReportRequest },
  given: { nextRunAt: Date | null; createdBy: string | null; now: Date },
): Promise<ScheduleRow> {
  const { rows } = await client.query<ScheduleRow>(
    `INSERT INTO analytics.report_schedules
       (tenant_id, id, name, cron, timezone, request, active, next_run_at, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING ${COLUMNS}`,
    [
      s.tenantId,
      s.id,
      s.name,
      s.cron,
      s.timezone,
      JSON.stringify(s.request),
      given.nextRunAt !== null,
      given.nextRunAt,
      given.createdBy,
      given.now,
    ],
  );
  return rows[0] as ScheduleRow;
}

export async function deleteSchedule(client: pg.ClientBase, id: string): Promise<void> {
  const { rowCount } = await client.query('DELETE FROM analytics.report_schedules WHERE id = $1', [id]);
  if (!rowCount) throw new NotFoundError('No such report schedule', { scheduleId: id });
}

export const scheduleListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

/** The tenant's schedules (RLS), newest first, one page after `cursor`. */
export async function listSchedules(client: pg.ClientBase, query: z.output<typeof scheduleListQuery>) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await client.query<ScheduleRow>(
    `SELECT ${COLUMNS} FROM analytics.report_schedules
      WHERE ($1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $3`,
    [after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null };
}
