import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import type { AnalyticsContext, FeatureModule } from '../context.ts';
import { answerAsOf } from '../kpis/answer-as-of.ts';
import { toRangeView } from '../kpis/range-query.ts';
import { resolveBodyRange } from './body-range.ts';
import type { FunnelSpec } from './funnel-engine.ts';
import { funnelQueryBody, funnelResultView } from './funnel-schemas.ts';
import { assertFunnelSpec, runFunnel } from './run-funnel.ts';

export const FUNNEL_TAGS = ['funnels'];

/** Runs a funnel for a query body's range (now or as of its asOfPosition) and shapes the answer. */
export async function answerFunnel(
  ctx: AnalyticsContext,
  tenantId: string,
  spec: FunnelSpec,
  body: { dateRange: { from?: string; to?: string }; timezone: string; asOfPosition?: string | undefined },
  specPath = '',
) {
  assertFunnelSpec(spec, specPath);
  const range = resolveBodyRange(body, ctx.now());
  const { result, asOfPosition } = await answerAsOf(
    ctx,
    tenantId,
    body.asOfPosition,
    (client, asOf) => runFunnel(client, tenantId, spec, range, asOf),
    'body',
  );
  return { ...result, asOfPosition, range: toRangeView(range) };
}

/** POST /funnels/query: an ad hoc funnel over a range, now or as of a position. */
export const funnelQueryFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/analytics/funnels/query',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'queryFunnel',
        tags: FUNNEL_TAGS,
        summary: 'Subjects reaching each step of a funnel (ordered, strict or any order) in a range, with rates',
        body: funnelQueryBody,
        response: { 200: funnelResultView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { dateRange, timezone, asOfPosition, ...spec } = request.body;
      return answerFunnel(ctx, tenantId, spec, { dateRange, timezone, asOfPosition });
    },
  );
};
