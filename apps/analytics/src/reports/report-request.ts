import { z } from 'zod';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { resolveSavedRange, dateRangeSchema } from '../dashboards/date-presets.ts';
import { KPI_NAMES } from '../kpis/kpi-definitions.ts';

const common = {
  name: z.string().trim().min(1).max(200),
  dateRange: dateRangeSchema
    .default('last_30_days')
    .describe('A preset (read on the day the report is built) or fixed bounds'),
  timezone: z.string().max(64).default('UTC').describe('IANA time zone of the range (and of the buckets)'),
  format: z.literal('csv').default('csv'),
};

/** What a report is built from: the facts behind a KPI or event types, the KPIs, or a time series query. */
export const reportRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('events'),
    ...common,
    metric: z
      .enum(KPI_NAMES as [string, ...string[]])
      .optional()
      .describe('The events of the types this KPI counts'),
    types: z
      .array(z.string().regex(/^[a-z][a-z_]*\.[a-z][a-z_]*$/))
      .min(1)
      .max(50)
      .optional()
      .describe('Events of these types (with metric: of both); neither: every event'),
    campaignId: z.uuid().optional().describe('Only events attributed to this campaign'),
  }),
  z.strictObject({ kind: z.literal('kpis'), ...common, campaignId: z.uuid().optional() }),
  z.strictObject({
    kind: z.literal('query'),
    ...common,
    query: z
      .record(z.string(), z.unknown())
      .describe('The body of POST /api/v1/analytics/query without dateRange, timezone and asOfPosition'),
  }),
]);
export type ReportRequest = z.output<typeof reportRequest>;
export type ReportKind = ReportRequest['kind'];

/**
 * Checks now what the build would refuse later: the zone and range, and (when the app gives its
 * schema) the query's definition; one VALIDATION_ERROR naming every bad field under `prefix`.
 */
export function checkReportRequest(
  request: ReportRequest,
  now: Date,
  querySchema: z.ZodType | undefined,
  prefix = '',
): void {
  const issues: FieldIssue[] = [];
  try {
    resolveSavedRange(request.dateRange, request.timezone, now);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const own = (path: string) => prefix + (path === 'timezone' ? path : `dateRange.${path}`);
    issues.push(...((error.details.issues ?? []) as FieldIssue[]).map((i) => ({ ...i, path: own(i.path) })));
  }
  const parsed = request.kind === 'query' ? querySchema?.safeParse(request.query) : undefined;
  if (parsed && !parsed.success)
    issues.push(
      ...parsed.error.issues.map((issue) => ({
        path: [`${prefix}query`, ...issue.path].join('.'),
        message: issue.message,
      })),
    );
  if (issues.length > 0)
    throw new ValidationError(
      'Invalid report request',
      issues.map((issue) => ({ ...issue, location: 'body' as const })),
    );
}
