import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { campaignStream } from '../campaign.ts';
import { bodyOrDefaults } from '../campaign-body.ts';
import { campaignView, campaignViewSchema } from '../campaign-view.ts';
import { completeCampaign, completeCampaignInput } from './complete-campaign.ts';

const body = completeCampaignInput.extend(expectedVersionField);

/** POST /api/v1/campaigns/{campaignId}/complete: End a live or paused campaign for good. */
export function completeCampaignRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post('/api/v1/campaigns/:campaignId/complete', {
    onRequest: requirePermission('campaigns:launch'),
    schema: {
      operationId: 'completeCampaign', tags: ['campaigns'], summary: 'End a live or paused campaign for good', params: z.strictObject({ campaignId: z.uuid() }), headers: writeHeaders,
      // Optional: an absent body is the input's defaults (bodyOrDefaults).
      body: body.nullish(), response: { 200: campaignViewSchema, ...commandErrors },
    },
  }, async (request) => {
    const { expectedVersion, ...input } = bodyOrDefaults(body, request.body);
    const { campaignId } = request.params;
    return ctx.handle(request, {
      aggregate: campaignStream, aggregateId: campaignId, expectedVersion,
      command: { type: 'campaign.complete', data: { ...input, campaignId } }, decide: completeCampaign, view: campaignView,
    });
  });
}
