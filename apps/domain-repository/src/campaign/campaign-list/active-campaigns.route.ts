import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { activeCampaignsPage, activeCampaignsQuery, listActiveCampaigns } from './active-campaigns.query.ts';

/** GET /api/v1/campaigns/active: live campaigns from the campaign_list projection, latest launched first. */
export function activeCampaignsRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/campaigns/active',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'listActiveCampaigns',
        tags: ['campaigns'],
        summary: 'Live campaigns, latest launched first (projection: eventually consistent)',
        querystring: activeCampaignsQuery,
        response: { 200: activeCampaignsPage },
      },
    },
    async (request) => listActiveCampaigns(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query),
  );
}
