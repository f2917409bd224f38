import { Counter } from 'prom-client';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { AnalyticsContext } from '../context.ts';
import { formatPosition, notAfter, parsePosition } from '../kpis/as-of.ts';
import { rangeFields, rangeView, resolveRange, toRangeView, type ResolvedRange } from '../kpis/range-query.ts';
import { computeDashboardData, type DashboardData } from './dashboard-data.ts';
import { getDashboardAtCheckpoint, type DashboardRecord } from './dashboard-store.ts';
import { createLruCache } from './data-cache.ts';
import { resolveSavedRange } from './date-presets.ts';
import type { TileSources } from './tile-sources.ts';

const dataQuery = z.strictObject({
  from: rangeFields.from.describe("Start (default: the dashboard's dateRange)"),
  to: rangeFields.to.describe("End (default: the dashboard's dateRange; now when only from is given)"),
  timezone: z.string().max(64).optional().describe("IANA time zone (default: the dashboard's)"),
  asOfPosition: z
    .string()
    .max(41)
    .optional()
    .describe('Compute every tile as of this earlier asOfPosition of an answer'),
});

const dataView = z.object({
  tiles: z.array(
    z.object({ id: z.uuid(), title: z.string(), kind: z.string(), data: z.unknown().describe("The tile's answer") }),
  ),
  asOfPosition: z.string().nullable().describe('The log position every tile is as of (null: nothing received yet)'),
  range: rangeView,
  checksum: z
    .string()
    .describe("sha256 (hex) of the canonical JSON of the tiles' data: unchanged figures, same checksum"),
});

function rangeOf(query: z.output<typeof dataQuery>, saved: Pick<DashboardRecord, 'dateRange' | 'timezone'>, now: Date) {
  const timezone = query.timezone ?? saved.timezone;
  if (query.from === undefined && query.to === undefined) return resolveSavedRange(saved.dateRange, timezone, now);
  return resolveRange({ from: query.from, to: query.to, timezone }, now);
}

function checkReached(asOf: GlobalCheckpoint, checkpoint: GlobalCheckpoint | null) {
  if (checkpoint && notAfter(asOf, checkpoint)) return;
  throw new ValidationError('asOfPosition is ahead of what analytics has projected', [
    {
      path: 'asOfPosition',
      message: `not reached yet (now at ${checkpoint ? formatPosition(checkpoint) : 'nothing'})`,
      location: 'query',
    },
  ]);
}

const cacheKey = (tenantId: string, d: { id: string; version: number }, range: ResolvedRange, position: string) =>
  JSON.stringify([tenantId, d.id, d.version, range.fromMs, range.toMs, range.timezone, position]);

/**
 * GET /dashboards/:id/data. Data is cached per tenant, dashboard version, range and log position:
 * a request reads the dashboard with the projections' checkpoint first (one statement) and is
 * served from the cache while the checkpoint has not moved; new events move it, and then every
 * tile is computed again. Nothing expires by time.
 */
export function registerDashboardData(
  app: ServiceApp,
  ctx: AnalyticsContext,
  sources: TileSources,
  cacheEntries: number,
): void {
  const cache = createLruCache<DashboardData>(cacheEntries);
  const served = new Counter({
    name: 'analytics_dashboard_data_total',
    help: 'Dashboard data answers by where they came from: cache (the checkpoint had not moved) or computed',
    labelNames: ['source'] as const,
    registers: [app.metricsRegistry],
  });
  app.get(
    '/api/v1/analytics/dashboards/:id/data',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getDashboardData',
        tags: ['dashboards'],
        summary: 'Every tile of a dashboard computed for a range, as of one log position, with a checksum',
        params: z.strictObject({ id: z.uuid() }),
        querystring: dataQuery,
        response: { 200: dataView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const asOf = request.query.asOfPosition === undefined ? null : parsePosition(request.query.asOfPosition);
      const { dashboard, checkpoint } = await withTransaction(
        ctx.pool,
        (client) => getDashboardAtCheckpoint(client, request.params.id),
        { tenantId },
      );
      const range = rangeOf(request.query, dashboard, ctx.now());
      if (asOf) checkReached(asOf, checkpoint);
      const seen = asOf ?? checkpoint;
      let data = cache.get(cacheKey(tenantId, dashboard, range, seen ? formatPosition(seen) : ''));
      served.inc({ source: data ? 'cache' : 'computed' });
      if (!data) {
        data = await computeDashboardData(ctx.pool, sources, { tenantId, dashboard, range, asOf });
        // Kept under the position it was computed at (maybe newer than the one read above).
        cache.set(cacheKey(tenantId, dashboard, range, data.checkpoint ? formatPosition(data.checkpoint) : ''), data);
      }
      return {
        tiles: data.tiles,
        asOfPosition: data.checkpoint && formatPosition(data.checkpoint),
        range: toRangeView(range),
        checksum: data.checksum,
      };
    },
  );
}
