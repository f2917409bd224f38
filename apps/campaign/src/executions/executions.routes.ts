import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { FeatureModule } from '../context.ts';
import { inTenant } from '../http/in-tenant.ts';
import { executionView, getExecution, listExecutions } from './execution-views.ts';

const listQuery = z.strictObject({
  campaignId: z.uuid().optional(),
  status: z.enum(['running', 'paused', 'completed']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_[0-9a-f-]{36}$/, 'must be a nextCursor of a previous page')
    .optional(),
});

/** Executions of the tenant's campaigns with their progress. */
export const executionsRoutes: FeatureModule = (app, ctx) => {
  const read = requirePermission('campaigns:read');
  app.get(
    '/api/v1/campaign-executions',
    {
      onRequest: read,
      schema: {
        operationId: 'listCampaignExecutions',
        tags: ['executions'],
        summary: 'Executions (one per campaign and channel) with their progress, newest first; cursor-paged',
        querystring: listQuery,
        response: { 200: z.object({ executions: z.array(executionView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, (client, tenantId) => listExecutions(client, tenantId, request.query)),
  );
  app.get(
    '/api/v1/campaign-executions/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'getCampaignExecution',
        tags: ['executions'],
        summary: 'One execution with its progress (enrolled, sent, delivered, opened, clicked, converted, ...)',
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: executionView },
      },
    },
    async (request) =>
      inTenant(ctx.pool, request, (client, tenantId) => getExecution(client, tenantId, request.params.id)),
  );
};
