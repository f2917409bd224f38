import { requirePermission } from '@bizosaas/auth';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { writeHeaders } from '../../write-side/request-context.ts';
import { createErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { campaignStream } from '../campaign.ts';
import { campaignView, campaignViewSchema } from '../campaign-view.ts';
import { createCampaign, createCampaignInput } from './create-campaign.ts';

/** POST /api/v1/campaigns: a draft under an id made here (never sent by the client). */
export function createCampaignRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/campaigns',
    {
      onRequest: requirePermission('campaigns:write'),
      schema: {
        operationId: 'createCampaign',
        tags: ['campaigns'],
        summary: 'Draft a campaign',
        headers: writeHeaders,
        body: createCampaignInput,
        response: { 201: campaignViewSchema, ...createErrors },
      },
    },
    async (request, reply) => {
      const campaignId = uuidv7();
      const campaign = await ctx.handle(request, {
        aggregate: campaignStream,
        aggregateId: campaignId,
        creates: true,
        command: { type: 'campaign.create', data: { ...request.body, campaignId } },
        decide: createCampaign,
        view: campaignView,
      });
      return reply.status(201).send(campaign);
    },
  );
}
