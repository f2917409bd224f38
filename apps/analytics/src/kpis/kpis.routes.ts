import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { answerAsOf } from './answer-as-of.ts';
import { computeKpis, KPI_DEFINITIONS, KPI_NAMES } from './kpi-definitions.ts';
import { rangeFields, rangeView, resolveRange, toRangeView } from './range-query.ts';
import { readKpiInputs, type KpiQuery } from './read-kpi-inputs.ts';

export const kpisQuery = z.strictObject({
  ...rangeFields,
  campaignId: z
    .uuid()
    .optional()
    .describe("Only this campaign's figures (leads attributed to it by their first touch)"),
  asOfPosition: z
    .string()
    .max(41)
    .optional()
    .describe('Answer as of this earlier asOfPosition of an answer (an audit of a number seen before)'),
});

const money = z.array(z.object({ amount: z.string().describe('decimal string'), currency: z.string() }));
const rate = z.string().nullable().describe('decimal string, 4 places; null when the denominator is 0');
const kpiShape: Record<string, z.ZodType> = Object.fromEntries(
  KPI_NAMES.map((name): [string, z.ZodType] => {
    const kind = KPI_DEFINITIONS[name].kind;
    if (kind === 'rate') return [name, rate];
    if (kind === 'sum' || kind === 'spend' || kind === 'cost_per') return [name, money];
    if (kind === 'money_ratio')
      return [
        name,
        z.array(z.object({ ratio: z.string().describe('decimal string, 4 places'), currency: z.string() })),
      ];
    return [name, z.int()];
  }),
);
export const kpisView = z.object({
  kpis: z.object(kpiShape),
  asOfPosition: z.string().nullable().describe('The log position the figures are as of (null: nothing received yet)'),
  range: rangeView,
  campaignId: z.uuid().nullable(),
});

/** GET /kpis: the tenant's KPIs over a range, in a time zone, overall or per campaign, now or as of a position. */
export const kpisFeature: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/analytics/kpis',
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getKpis',
        tags: ['kpis'],
        summary:
          'KPIs of a range: leads, rates, revenue, customers at risk, campaigns, spend, CPA, ROAS, AI, notifications',
        querystring: kpisQuery,
        response: { 200: kpisView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const range = resolveRange(request.query, ctx.now());
      const campaignId = request.query.campaignId ?? null;
      const { result, asOfPosition } = await answerAsOf(
        ctx,
        tenantId,
        request.query.asOfPosition,
        async (client, asOf) => {
          const query: KpiQuery = { tenantId, ...range, campaignId, asOf };
          const { inputs, checkpoint } = await readKpiInputs(client, query);
          return { result: computeKpis(inputs), checkpoint };
        },
      );
      return { kpis: result, asOfPosition, range: toRangeView(range), campaignId };
    },
  );
};
