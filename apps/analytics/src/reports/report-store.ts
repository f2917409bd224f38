import type pg from 'pg';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@bizosaas/service-kit';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { ReportRequest } from './report-request.ts';

export type ReportStatus = 'queued' | 'building' | 'ready' | 'failed';

export interface ReportRow {
  tenant_id: string;
  id: string;
  name: string;
  request: ReportRequest;
  status: ReportStatus;
  schedule_id: string | null;
  requested_by: string | null;
  attempts: number;
  rows: number | null;
  as_of_position: string | null;
  has_chart: boolean;
  error: { code: string; message: string } | null;
  correlation_id: string;
  created_at: Date;
  finished_at: Date | null;
}

// Never the CSV or the chart: they are read only by their download routes.
export const REPORT_COLUMNS = `tenant_id, id, name, request, status, schedule_id, requested_by, attempts, rows,
  as_of_position, chart_svg IS NOT NULL AS has_chart, error, correlation_id, created_at, finished_at`;

export interface NewReport {
  tenantId: string;
  id: string;
  request: ReportRequest;
  scheduleId: string | null;
  requestedBy: string | null;
  correlationId: string;
  now: Date;
}

/** Queues a report (the app role for its tenant, or the worker for a schedule). */
export async function insertReport(client: pg.ClientBase, report: NewReport): Promise<ReportRow> {
  const { rows } = await client.query<ReportRow>(
    `INSERT INTO analytics.reports (tenant_id, id, name, request, status, schedule_id, requested_by, correlation_id, created_at)
     VALUES ($1, $2, $3, $4, 'queued', $5, $6, $7, $8) RETURNING ${REPORT_COLUMNS}`,
    [
      report.tenantId,
      report.id,
      report.request.name,
      JSON.stringify(report.request),
      report.scheduleId,
      report.requestedBy,
      report.correlationId,
      report.now,
    ],
  );
  return rows[0] as ReportRow;
}

/** The report as its tenant sees it (RLS): another tenant's id is 404 like a missing one. */
export async function getReport(client: pg.ClientBase, id: string): Promise<ReportRow> {
  const { rows } = await client.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM analytics.reports WHERE id = $1`, [id]);
  if (!rows[0]) throw new NotFoundError('No such report', { reportId: id });
  return rows[0];
}

/** The stored CSV or chart of a report (null while it has none). */
export async function readReportFile(
  client: pg.ClientBase,
  id: string,
  file: 'csv' | 'chart_svg',
): Promise<{ report: ReportRow; content: string | null }> {
  const { rows } = await client.query<ReportRow & { content: Buffer | string | null }>(
    `SELECT ${REPORT_COLUMNS}, ${file} AS content FROM analytics.reports WHERE id = $1`,
    [id],
  );
  if (!rows[0]) throw new NotFoundError('No such report', { reportId: id });
  const { content } = rows[0];
  return { report: rows[0], content: Buffer.isBuffer(content) ? content.toString('utf8') : content };
}

export const reportListQuery = z.strictObject({
  status: z.enum(['queued', 'building', 'ready', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
});

/** The tenant's reports, newest first, by status, one page after `cursor`. */
export async function listReports(client: pg.ClientBase, query: z.output<typeof reportListQuery>) {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await client.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM analytics.reports
      WHERE ($1::text IS NULL OR status = $1) AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [query.status ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last.created_at, last.id) : null };
}
