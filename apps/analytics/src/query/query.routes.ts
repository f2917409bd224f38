import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { answerAsOf } from '../kpis/answer-as-of.ts';
import { rangeView } from '../kpis/range-query.ts';
import { querySeries, readQuery } from './run-query.ts';
import { queryBody, resolveBodyRange } from './query-spec.ts';

const money = z.array(z.object({ amount: z.string().describe('decimal string, 2 places'), currency: z.string() }));
export const queryView = z.object({
  results: z.array(
    z.object({
      bucket: z.string().nullable().describe('Bucket start, local time with offset (null without an interval)'),
      dimensions: z.record(z.string(), z.string().nullable()).describe('The group (null: the events carry none)'),
      metrics: z
        .record(z.string(), z.union([z.int(), money]))
        .describe('Counts as integers, sums as decimal amounts per currency'),
    }),
  ),
  buckets: z.array(z.string()).describe('Every bucket of the range, empty ones included (none without an interval)'),
  asOfPosition: z.string().nullable().describe('The log position the figures are as of (null: nothing received yet)'),
  range: rangeView,
  timezone: z.string(),
});

/** POST /query: counts, sums and distinct subjects per bucket of a time zone and per dimension. */
export const queryFeature: FeatureModule = (app, ctx) => {
  app.post(
    '/api/v1/analytics/query',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'queryAnalytics',
        tags: ['query'],
        summary: 'Time series of counts, money sums and distinct subjects, by bucket in any time zone and dimension',
        body: queryBody,
        response: { 200: queryView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { dateRange, timezone, asOfPosition: asOfText, ...definition } = request.body;
      const spec = { ...definition, range: resolveBodyRange({ dateRange, timezone }, ctx.now()) };
      // Every refusal of the input comes before a connection is taken.
      const series = querySeries(spec);
      const { result, asOfPosition } = await answerAsOf(
        ctx,
        tenantId,
        asOfText,
        async (client, asOf) => {
          const { answer, checkpoint } = await readQuery(client, tenantId, spec, series, asOf);
          return { result: answer, checkpoint };
        },
        'body',
      );
      return { ...result, asOfPosition };
    },
  );
};
