import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '@bizosaas/ddd-kernel';
import { runPeriodically, type PeriodicJob } from '@bizosaas/service-kit';
import type { AnalyticsContext } from '../context.ts';
import { buildReport, type BuildDeps, type ClaimedReport } from './build-report.ts';
import { markFailed, markReady, releaseReport } from './finish-report.ts';
import { queueDueSchedules } from './queue-due-schedules.ts';

export interface ReportWorkerOptions extends BuildDeps {
  pollIntervalMs: number;
  leaseMs: number;
  maxAttempts: number;
}

// The oldest queued report, or one whose builder's lease ran out (its replica died), across
// tenants as the worker role; SKIP LOCKED lets replicas claim side by side.
const CLAIM = `UPDATE analytics.reports r
    SET status = 'building', attempts = r.attempts + 1,
        lease_until = $1::timestamptz + make_interval(secs => $2::double precision / 1000)
   FROM (SELECT tenant_id, id FROM analytics.reports
          WHERE status = 'queued' OR (status = 'building' AND lease_until < $1)
          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) c
  WHERE r.tenant_id = c.tenant_id AND r.id = c.id
  RETURNING r.tenant_id, r.id, r.name, r.request, r.attempts, r.requested_by, r.correlation_id, r.created_at`;

const RENEW = `UPDATE analytics.reports
    SET lease_until = $4::timestamptz + make_interval(secs => $5::double precision / 1000)
  WHERE tenant_id = $1 AND id = $2 AND status = 'building' AND attempts = $3`;

interface ClaimRow {
  tenant_id: string;
  id: string;
  name: string;
  request: unknown;
  attempts: number;
  requested_by: string | null;
  correlation_id: string;
  created_at: Date;
}

/** Queues due schedules and builds queued reports, one at a time, every poll interval. */
export function createReportWorker(ctx: AnalyticsContext, options: ReportWorkerOptions, log: FastifyBaseLogger) {
  let job: PeriodicJob | undefined;
  let stopping = false;

  async function claim(): Promise<ClaimedReport | null> {
    const { rows } = await ctx.worker.query<ClaimRow>(CLAIM, [ctx.now(), options.leaseMs]);
    const row = rows[0];
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      id: row.id,
      name: row.name,
      request: row.request,
      attempts: row.attempts,
      requestedBy: row.requested_by,
      correlationId: row.correlation_id,
      createdAt: row.created_at,
    };
  }

  // A long build keeps its lease: renewed every third of it while this attempt still owns the report.
  function keepLease(report: ClaimedReport): NodeJS.Timeout {
    const renew = () => {
      ctx.worker
        .query(RENEW, [report.tenantId, report.id, report.attempts, ctx.now(), options.leaseMs])
        .catch((error: unknown) => log.warn({ err: error, reportId: report.id }, 'renewing a report lease failed'));
    };
    return setInterval(renew, Math.max(100, Math.floor(options.leaseMs / 3)));
  }

  async function buildOne(report: ClaimedReport): Promise<void> {
    if (report.attempts > options.maxAttempts)
      return markFailed(ctx, report, {
        code: 'ATTEMPTS_EXHAUSTED',
        message: `No build finished in ${options.maxAttempts} attempts`,
      });
    const lease = keepLease(report);
    try {
      await build(report);
    } finally {
      clearInterval(lease);
    }
  }

  async function build(report: ClaimedReport): Promise<void> {
    try {
      await markReady(ctx, report, await buildReport(ctx, options, report));
    } catch (error) {
      // A refusal (a bad range, a query the engine refuses, too many rows) will not change on a retry.
      if (error instanceof AppError) return markFailed(ctx, report, { code: error.code, message: error.message });
      log.warn({ err: error, reportId: report.id, attempt: report.attempts }, 'building a report failed');
      if (report.attempts < options.maxAttempts) return releaseReport(ctx, report);
      return markFailed(ctx, report, {
        code: 'REPORT_BUILD_FAILED',
        message: `The report could not be built in ${options.maxAttempts} attempts`,
      });
    }
  }

  async function tick(): Promise<void> {
    await queueDueSchedules(ctx.worker, ctx.now());
    for (let report = await claim(); report && !stopping; report = stopping ? null : await claim())
      await buildOne(report);
  }

  return {
    start() {
      job = runPeriodically(tick, {
        intervalMs: options.pollIntervalMs,
        onError: (error) => log.warn({ err: error }, 'report worker: a round failed; next in one interval'),
      });
    },
    async stop() {
      stopping = true;
      await job?.stop();
    },
    /** One round now (tests). */
    tick,
  };
}
