import { z } from 'zod';
import { defineEvent } from '../define-event.ts';

// A report built in the background is one aggregate (analytics_report, aggregateId = report id):
// it is announced once, when its CSV can be downloaded.
export const analyticsReportReady = defineEvent({
  type: 'analytics.report_ready',
  aggregateType: 'analytics_report',
  description: 'A report built in the background (CSV, and a chart for a time series) is ready to download.',
  data: z.object({
    reportId: z.uuid(),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(['events', 'kpis', 'query']),
    /** Data rows of the CSV (the header not counted). */
    rows: z.int().min(0),
    /** The user who asked for it; null for a scheduled report whose creator is unknown. */
    requestedBy: z.uuid().nullable(),
    downloadPath: z.string().regex(/^\/api\/v1\/analytics\/reports\/[0-9a-f-]{36}\/download$/),
  }),
  example: {
    reportId: '0192f5a3-7b1c-7d2e-9a40-1c2d3e4f5a6b',
    name: 'Leads created last week',
    kind: 'events',
    rows: 42,
    requestedBy: '0192f5a3-4c1e-7b2a-9f00-3c5d7e9a1b2c',
    downloadPath: '/api/v1/analytics/reports/0192f5a3-7b1c-7d2e-9a40-1c2d3e4f5a6b/download',
  },
});
