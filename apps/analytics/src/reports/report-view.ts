import { z } from 'zod';
import type { ReportRow } from './report-store.ts';

const PATH = '/api/v1/analytics/reports';
export const downloadPathOf = (id: string) => `${PATH}/${id}/download`;

export const reportView = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['events', 'kpis', 'query']),
  status: z.enum(['queued', 'building', 'ready', 'failed']),
  request: z.record(z.string(), z.unknown()).describe('The request it was queued with'),
  rows: z.int().nullable().describe('Data rows of the CSV (header not counted), once ready'),
  asOfPosition: z.string().nullable().describe('The log position the figures are as of, once ready'),
  attempts: z.int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  scheduleId: z.uuid().nullable(),
  requestedBy: z.uuid().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  links: z.object({
    self: z.string(),
    download: z.string().nullable().describe('The CSV, once ready'),
    chart: z.string().nullable().describe('The SVG chart of a time series report, once ready'),
  }),
});

export const reportPage = z.object({ items: z.array(reportView), nextCursor: z.string().nullable() });

export function toReportView(row: ReportRow) {
  const ready = row.status === 'ready';
  return {
    id: row.id,
    name: row.name,
    kind: row.request.kind,
    status: row.status,
    request: row.request,
    rows: row.rows,
    asOfPosition: row.as_of_position,
    attempts: row.attempts,
    error: row.error,
    scheduleId: row.schedule_id,
    requestedBy: row.requested_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    links: {
      self: `${PATH}/${row.id}`,
      download: ready ? downloadPathOf(row.id) : null,
      chart: ready && row.has_chart ? `${PATH}/${row.id}/chart.svg` : null,
    },
  };
}
