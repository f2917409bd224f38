import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { resolveBodyRange } from '../funnels/body-range.ts';
import { answerAsOf } from '../kpis/answer-as-of.ts';
import { toRangeView } from '../kpis/range-query.ts';
import { retentionQueryBody, retentionView } from './retention-schemas.ts';
import { runRetention } from './run-retention.ts';

/** POST /retention/query: cohorts by first event and how many return in each later period. */
export const retentionFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/analytics/retention/query',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'queryRetention',
        tags: ['retention'],
        summary: 'Cohorts by day, week or month in a time zone, with the subjects returning in each period',
        body: retentionQueryBody,
        response: { 200: retentionView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { dateRange, timezone, asOfPosition, ...spec } = request.body;
      const range = resolveBodyRange({ dateRange, timezone }, ctx.now());
      const { result, asOfPosition: position } = await answerAsOf(
        ctx,
        tenantId,
        asOfPosition,
        (client, asOf) => runRetention(client, tenantId, spec, range, asOf),
        'body',
      );
      return { ...result, asOfPosition: position, range: toRangeView(range) };
    },
  );
};
