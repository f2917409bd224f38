import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { loadAggregate } from '../../write-side/load-aggregate.ts';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { campaignStream } from '../campaign.ts';
import { campaignView, campaignViewSchema } from '../campaign-view.ts';

/** GET /api/v1/campaigns/{campaignId}: loaded from its event stream (read-your-writes). */
export function getCampaignRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/campaigns/:campaignId',
    {
      onRequest: requirePermission('campaigns:read'),
      schema: {
        operationId: 'getCampaign',
        tags: ['campaigns'],
        summary: 'A campaign (from its event stream: always the latest state)',
        params: z.strictObject({ campaignId: z.uuid() }),
        response: { 200: campaignViewSchema },
      },
    },
    async (request) => {
      const { campaignId } = request.params;
      const { state, version } = await loadAggregate(
        ctx,
        commandMetadata(request, ctx.now).tenantId,
        campaignStream,
        campaignId,
      );
      return campaignView(state, campaignId, version);
    },
  );
}
