import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { inTenant } from '../http/in-tenant.ts';
import { abTestsOf, abTestView } from './ab-tests-view.ts';

/** The A/B tests of a campaign's plan: each variant's results, the p-value and the winner. */
export const abTestsRoutes: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/campaign-executions/:campaignId/ab-tests',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'listCampaignAbTests',
        tags: ['executions'],
        summary: "A campaign's A/B tests: recipients, successes and rate per variant, p-value, winner",
        params: z.strictObject({ campaignId: z.uuid() }),
        response: { 200: z.object({ abTests: z.array(abTestView) }) },
      },
    },
    async (request) => ({
      abTests: await inTenant(ctx.pool, request, (client, tenantId) =>
        abTestsOf(client, tenantId, request.params.campaignId),
      ),
    }),
  );
};
