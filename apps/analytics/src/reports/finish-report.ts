import { withTransaction } from '@bizosaas/db';
import { createEvent } from '@bizosaas/event-schemas';
import { formatPosition } from '../kpis/as-of.ts';
import type { AnalyticsContext } from '../context.ts';
import { announce } from './announce-report.ts';
import type { ClaimedReport } from './build-report.ts';
import type { ReportOutput } from './report-output.ts';
import type { ReportKind } from './report-request.ts';
import { downloadPathOf } from './report-view.ts';

// Every transition names the attempt it belongs to: a builder whose lease ran out and whose
// report was claimed again (attempts moved on) changes nothing.
const OWNED = `tenant_id = $1 AND id = $2 AND status = 'building' AND attempts = $3`;

/**
 * The report ready with its CSV, and analytics.report_ready in the log and the outbox, in one
 * transaction of the report's tenant: the event goes out if and only if the report is ready.
 * False when the attempt lost the report.
 */
export async function markReady(ctx: AnalyticsContext, report: ClaimedReport, output: ReportOutput): Promise<boolean> {
  const now = ctx.now();
  return withTransaction(
    ctx.pool,
    async (client) => {
      const { rows } = await client.query<{ kind: ReportKind }>(
        `UPDATE analytics.reports SET status = 'ready', rows = $4, as_of_position = $5, csv = $6, chart_svg = $7,
              finished_at = $8, lease_until = NULL, error = NULL
        WHERE ${OWNED} RETURNING request->>'kind' AS kind`,
        [
          report.tenantId,
          report.id,
          report.attempts,
          output.rows,
          output.checkpoint && formatPosition(output.checkpoint),
          output.csv,
          output.chartSvg,
          now,
        ],
      );
      const kind = rows[0]?.kind;
      if (!kind) return false;
      const event = createEvent(
        {
          type: 'analytics.report_ready',
          tenantId: report.tenantId,
          aggregateId: report.id,
          aggregateVersion: 1,
          actor: { type: 'service', id: 'analytics' },
          correlationId: report.correlationId,
          causationId: null,
          data: {
            reportId: report.id,
            name: report.name,
            kind,
            rows: output.rows,
            requestedBy: report.requestedBy,
            downloadPath: downloadPathOf(report.id),
          },
        },
        { now: () => now },
      );
      await announce(client, event, ctx.config.EVENT_STREAM_NAMESPACE);
      return true;
    },
    { tenantId: report.tenantId },
  );
}

/** The report failed for good (no event). */
export async function markFailed(
  ctx: AnalyticsContext,
  report: ClaimedReport,
  error: { code: string; message: string },
): Promise<void> {
  await ctx.worker.query(
    `UPDATE analytics.reports SET status = 'failed', error = $4, finished_at = $5, lease_until = NULL WHERE ${OWNED}`,
    [report.tenantId, report.id, report.attempts, JSON.stringify(error), ctx.now()],
  );
}

/** Back to the queue for another attempt. */
export async function releaseReport(ctx: AnalyticsContext, report: ClaimedReport): Promise<void> {
  await ctx.worker.query(`UPDATE analytics.reports SET status = 'queued', lease_until = NULL WHERE ${OWNED}`, [
    report.tenantId,
    report.id,
    report.attempts,
  ]);
}
