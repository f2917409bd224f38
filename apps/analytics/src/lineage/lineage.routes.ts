import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { parsePosition } from '../kpis/as-of.ts';
import { answerAsOf } from '../kpis/answer-as-of.ts';
import { KPI_NAMES } from '../kpis/kpi-definitions.ts';
import { kpisQuery } from '../kpis/kpis.routes.ts';
import { rangeView, resolveRange, toRangeView } from '../kpis/range-query.ts';
import { readLineage } from './read-lineage.ts';

const lineageQuery = kpisQuery.extend({
  metric: z.enum(KPI_NAMES as [string, ...string[]]).describe('The KPI whose events to list'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  cursor: z.string().max(41).optional().describe('nextCursor of the previous page'),
});
const lineageView = z.object({
  metric: z.string(),
  events: z.array(
    z.object({
      eventId: z.uuid(),
      type: z.string(),
      aggregateId: z.uuid(),
      subjectId: z.uuid(),
      occurredAt: z.string(),
      correlationId: z
        .string()
        .nullable()
        .describe('Follow it in the event-bus history (GET /api/v1/events?correlationId=)'),
      position: z.string().describe('Its place in the analytics log'),
    }),
  ),
  nextCursor: z.string().nullable(),
  asOfPosition: z.string().nullable(),
  range: rangeView,
  campaignId: z.uuid().nullable(),
});

/** GET /lineage: the exact events behind a KPI of a range, as of now or an earlier position. */
export const lineageFeature: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/analytics/lineage',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getLineage',
        tags: ['lineage'],
        summary: 'The events behind a KPI (ids, types, subjects, times, correlation ids), in log order, paged',
        querystring: lineageQuery,
        response: { 200: lineageView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { metric, limit, cursor } = request.query;
      const range = resolveRange(request.query, ctx.now());
      const campaignId = request.query.campaignId ?? null;
      const after = cursor === undefined ? null : parsePosition(cursor, 'cursor');
      const { result, asOfPosition } = await answerAsOf(
        ctx,
        tenantId,
        request.query.asOfPosition,
        async (client, asOf) => {
          const { events, checkpoint } = await readLineage(
            client,
            metric as (typeof KPI_NAMES)[number],
            { tenantId, ...range, campaignId, asOf },
            { after, limit },
          );
          return { result: events, checkpoint };
        },
      );
      return {
        metric,
        events: result,
        nextCursor: result.length === limit ? (result.at(-1)?.position ?? null) : null,
        asOfPosition,
        range: toRangeView(range),
        campaignId,
      };
    },
  );
};
