import type { z } from 'zod';
import type { FeatureModule } from '../context.ts';
import type { RunQuery } from './query-csv.ts';
import { createReportWorker } from './report-worker.ts';
import { registerScheduleRoutes } from './report-schedules.routes.ts';
import { registerReportRoutes } from './reports.routes.ts';

export interface ReportsOptions {
  /** The query endpoint's core: time series of 'query' reports. */
  runQuery: RunQuery;
  /** The query definition's schema (POST /query's body minus the range): 'query' reports are checked when queued. */
  querySchema?: z.ZodType;
  /** How often the worker looks for due schedules and queued reports (default 1000 ms). */
  pollIntervalMs?: number;
  /** How long a build may run before another replica takes the report over (default 5 minutes). */
  leaseMs?: number;
  /** Attempts before a report fails (default 3). */
  maxAttempts?: number;
  /** Rows an events report may have (default 1,000,000). */
  maxRows?: number;
}

/** Reports and their schedules: routes, and the worker (started when the app is ready, stopped before it closes). */
export function reportsFeature(options: ReportsOptions): FeatureModule {
  return (app, ctx) => {
    registerReportRoutes(app, ctx, options.querySchema);
    registerScheduleRoutes(app, ctx, options.querySchema);
    const worker = createReportWorker(
      ctx,
      {
        runQuery: options.runQuery,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        leaseMs: options.leaseMs ?? 300_000,
        maxAttempts: options.maxAttempts ?? 3,
        maxRows: options.maxRows ?? 1_000_000,
      },
      app.log,
    );
    app.addHook('onReady', () => worker.start());
    app.addHook('preClose', () => worker.stop());
  };
}
