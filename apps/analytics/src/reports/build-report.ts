import type { AnalyticsContext } from '../context.ts';
import { resolveSavedRange } from '../dashboards/date-presets.ts';
import { kpiEventTypes, type KpiName } from '../kpis/kpi-definitions.ts';
import { eventsCsv } from './events-csv.ts';
import { kpisCsv } from './kpis-csv.ts';
import { queryCsv, type RunQuery } from './query-csv.ts';
import type { ReportOutput } from './report-output.ts';
import { reportRequest } from './report-request.ts';

export interface BuildDeps {
  runQuery: RunQuery;
  /** Rows an events report may have. */
  maxRows: number;
}

export interface ClaimedReport {
  tenantId: string;
  id: string;
  name: string;
  request: unknown;
  attempts: number;
  requestedBy: string | null;
  correlationId: string;
  createdAt: Date;
}

/**
 * Builds a claimed report. A preset range is read on the day the report was queued (a scheduled
 * report covers the days before its due time however late it is built).
 */
export async function buildReport(
  ctx: AnalyticsContext,
  deps: BuildDeps,
  report: ClaimedReport,
): Promise<ReportOutput> {
  const request = reportRequest.parse(report.request);
  const range = resolveSavedRange(request.dateRange, request.timezone, report.createdAt);
  const { tenantId } = report;
  switch (request.kind) {
    case 'events': {
      const named = [...(request.metric ? kpiEventTypes(request.metric as KpiName) : []), ...(request.types ?? [])];
      const types = named.length > 0 ? [...new Set(named)] : null;
      return eventsCsv(ctx.worker, { tenantId, types, campaignId: request.campaignId ?? null, range }, deps.maxRows);
    }
    case 'kpis':
      return kpisCsv(ctx.pool, { tenantId, campaignId: request.campaignId ?? null, range });
    case 'query':
      return queryCsv(ctx.pool, deps.runQuery, { tenantId, name: request.name, definition: request.query, range });
  }
}
