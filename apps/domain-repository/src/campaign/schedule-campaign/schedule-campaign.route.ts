import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { campaignStream } from '../campaign.ts';
import { bodyOrDefaults } from '../campaign-body.ts';
import { campaignView, campaignViewSchema } from '../campaign-view.ts';
import { scheduleCampaign, scheduleCampaignInput } from './schedule-campaign.ts';

const body = scheduleCampaignInput.extend(expectedVersionField);

/** POST /api/v1/campaigns/{campaignId}/schedule: Schedule (or reschedule) a campaign that has not run yet. */
export function scheduleCampaignRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post('/api/v1/campaigns/:campaignId/schedule', {
    onRequest: requirePermission('campaigns:write'),
    schema: {
      operationId: 'scheduleCampaign', tags: ['campaigns'], summary: 'Schedule (or reschedule) a campaign that has not run yet', params: z.strictObject({ campaignId: z.uuid() }), headers: writeHeaders,
      // Optional: an absent body is the input's defaults (bodyOrDefaults).
      body: body.nullish(), response: { 200: campaignViewSchema, ...commandErrors },
    },
  }, async (request) => {
    const { expectedVersion, ...input } = bodyOrDefaults(body, request.body);
    const { campaignId } = request.params;
    return ctx.handle(request, {
      aggregate: campaignStream, aggregateId: campaignId, expectedVersion,
      command: { type: 'campaign.schedule', data: { ...input, campaignId } }, decide: scheduleCampaign, view: campaignView,
    });
  });
}
