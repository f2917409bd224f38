import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadListPage, leadListQuery, listLeads } from './lead-list.query.ts';

/** GET /api/v1/leads: the lead_list projection (eventually consistent), newest first. */
export function leadListRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/leads',
    {
      onRequest: requirePermission('leads:read'),
      schema: {
        operationId: 'listLeads',
        tags: ['leads'],
        summary: 'Leads, newest first (projection: eventually consistent)',
        querystring: leadListQuery,
        response: { 200: leadListPage },
      },
    },
    async (request) => listLeads(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query),
  );
}
