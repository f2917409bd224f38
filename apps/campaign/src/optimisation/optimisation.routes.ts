import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { inTenant } from '../http/in-tenant.ts';
import {
  domainRepositoryOf,
  enableOptimisation,
  enableOptimisationBody,
  enabledView,
  goalToEnable,
} from './enable-optimisation.ts';
import { listOptimisations, optimisationsQuery, optimisationsView } from './optimisation-views.ts';

const BASE = '/api/v1/campaign-executions/:campaignId';
const TAGS = ['optimisation'];
const params = z.strictObject({ campaignId: z.uuid() });
const headers = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Passed on to domain-repository's command: a repeat is answered, not applied again"),
});

/** The optimisation chains of a campaign, and switching AI optimisation on through domain-repository. */
export const optimisationRoutes: FeatureModule = (app, ctx) => {
  listRoute(app, ctx);
  enableRoute(app, ctx);
};

const listRoute: FeatureModule = (app, ctx) => {
  app.get(
    `${BASE}/optimizations`,
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'listCampaignOptimizations',
        tags: TAGS,
        summary: "Each AI suggestion for the campaign -> the change applied -> the KPIs' move since, newest first",
        params,
        querystring: optimisationsQuery,
        response: { 200: optimisationsView },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, (client, tenantId) =>
        listOptimisations(client, tenantId, request.params.campaignId, request.query),
      ),
  );
};

const enableRoute: FeatureModule = (app, ctx) => {
  app.post(
    `${BASE}/optimize`,
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        operationId: 'enableCampaignOptimization',
        tags: TAGS,
        summary: "Switch AI optimisation on with a goal (domain-repository's optimise command)",
        params,
        headers,
        body: enableOptimisationBody,
        // 422: no service client here, no goal to use, or domain-repository refused (e.g. completed).
        response: { 200: enabledView, 409: errorResponseSchema, 422: errorResponseSchema, 503: errorResponseSchema },
      },
    },
    async (request) => {
      const domain = domainRepositoryOf(ctx);
      const call = {
        tenantId: requirePrincipal(request).tenantId,
        campaignId: request.params.campaignId,
        correlationId: request.id,
        idempotencyKey: request.headers['idempotency-key'],
      };
      const goal = await inTenant(ctx.pool, request, (client) => goalToEnable(client, call, request.body.goal));
      return enableOptimisation(domain, call, goal);
    },
  );
};
