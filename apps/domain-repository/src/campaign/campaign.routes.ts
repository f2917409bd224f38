import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata, expectedVersionField, expectedVersionOf, writeHeaders } from '../write-side/request-context.ts';
import { commandErrors, createErrors } from '../write-side/route-responses.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { activeCampaignsPage, activeCampaignsQuery, listActiveCampaigns } from './active-campaigns/active-campaigns.query.ts';
import {
  completeCampaignInput,
  createCampaignInput,
  optimizeCampaignInput,
  pauseCampaignInput,
  scheduleCampaignInput,
  updateBudgetInput,
} from './campaign-commands.ts';
import { campaignViewSchema, loadCampaign } from './campaign-view.ts';

const params = z.strictObject({ campaignId: z.uuid() });
const tags = ['campaigns'];
const write = requirePermission('campaigns:write');
const launch = requirePermission('campaigns:launch');
const read = requirePermission('campaigns:read');

/** POST /{campaignId}/<action>: body = the command's data without campaignId, plus expectedVersion. */
const actions = [
  ['schedule', 'scheduleCampaign', 'campaign.schedule', scheduleCampaignInput, write, 'Schedule (or reschedule) a campaign that has not run yet'],
  ['launch', 'launchCampaign', 'campaign.launch', z.strictObject({}), launch, 'Take a draft or scheduled campaign live'],
  ['pause', 'pauseCampaign', 'campaign.pause', pauseCampaignInput, launch, 'Pause a live campaign'],
  ['resume', 'resumeCampaign', 'campaign.resume', pauseCampaignInput, launch, 'Resume a paused campaign'],
  ['complete', 'completeCampaign', 'campaign.complete', completeCampaignInput, launch, 'End a live or paused campaign for good'],
  ['budget', 'updateCampaignBudget', 'campaign.update_budget', updateBudgetInput, write, 'Replace the total and daily budget'],
  ['optimize', 'optimizeCampaign', 'campaign.optimize', optimizeCampaignInput, write, 'Enable AI optimisation with a goal, or record changes it applied'],
] as const;

export function campaignRoutes(app: ServiceApp, ctx: RoutesContext): void {
  app.post('/api/v1/campaigns', {
    onRequest: write,
    schema: {
      operationId: 'createCampaign', tags, summary: 'Draft a campaign', headers: writeHeaders,
      body: createCampaignInput, response: { 201: campaignViewSchema, ...createErrors },
    },
  }, async (request, reply) => {
    const campaign = await ctx.execute({ type: 'campaign.create', data: request.body, metadata: commandMetadata(request, ctx.now) });
    return reply.status(201).send(campaign);
  });

  // Registered before /:campaignId so "active" is never taken for an id.
  app.get('/api/v1/campaigns/active', {
    onRequest: read,
    schema: { operationId: 'listActiveCampaigns', tags, summary: 'Live campaigns, latest launched first (projection: eventually consistent)', querystring: activeCampaignsQuery, response: { 200: activeCampaignsPage } },
  }, async (request) => listActiveCampaigns(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query));

  app.get('/api/v1/campaigns/:campaignId', {
    onRequest: read,
    schema: { operationId: 'getCampaign', tags, summary: 'A campaign (from its event stream: always the latest state)', params, response: { 200: campaignViewSchema } },
  }, async (request) => loadCampaign(ctx.store, ctx.pool, commandMetadata(request, ctx.now).tenantId, request.params.campaignId));

  for (const [path, operationId, type, schema, guard, summary] of actions) {
    app.post(`/api/v1/campaigns/:campaignId/${path}`, {
      onRequest: guard,
      schema: {
        operationId, tags, summary, params, headers: writeHeaders,
        // Optional: a launch or resume needs no body at all; the bus applies the defaults.
        body: (schema as z.ZodObject).extend(expectedVersionField).nullish(), response: { 200: campaignViewSchema, ...commandErrors },
      },
    }, async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown> & { expectedVersion?: number };
      const expectedVersion = expectedVersionOf(request, body.expectedVersion);
      const data = { ...body, campaignId: request.params.campaignId, ...(expectedVersion !== undefined && { expectedVersion }) };
      return ctx.execute({ type, data, metadata: commandMetadata(request, ctx.now) });
    });
  }
}
