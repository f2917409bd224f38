import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { inTenant } from '../http/in-tenant.ts';
import { getPlan, savePlan } from './plan-store.ts';
import { planAudience, planBody, planStep } from './plan-schema.ts';

const params = z.strictObject({ campaignId: z.uuid() });
const planView = z.object({
  campaignId: z.uuid(),
  version: z.int(),
  audience: planAudience,
  steps: z.array(planStep),
  sendRatePerMinute: z.int().nullable(),
  frozenAt: z.date().nullable().describe('When the campaign launched: the plan can no longer change'),
  updatedAt: z.date(),
});

/** A campaign's plan: its audience and steps, editable until launch. */
export const plansFeature: FeatureModule = (app, ctx) => {
  app.put(
    '/api/v1/campaign-executions/:campaignId/plan',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        operationId: 'saveCampaignPlan',
        tags: ['executions'],
        summary: "Set a campaign's audience and steps before launch (the next version; frozen at launch)",
        params,
        body: planBody,
        response: { 200: planView, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request) => {
      const { userId } = requirePrincipal(request);
      return inTenant(ctx.pool, request, (client, tenantId) =>
        savePlan(client, tenantId, request.params.campaignId, request.body, userId, ctx.now()),
      );
    },
  );
  app.get(
    '/api/v1/campaign-executions/:campaignId/plan',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'getCampaignPlan',
        tags: ['executions'],
        summary: "A campaign's plan",
        params,
        response: { 200: planView },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, (client, tenantId) => getPlan(client, tenantId, request.params.campaignId)),
  );
};
