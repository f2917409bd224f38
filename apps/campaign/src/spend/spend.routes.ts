import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { createPgIdempotencyStore, withIdempotency } from '@bizosaas/event-store';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { CampaignContext } from '../context.ts';
import { EVENT_STORE_SCHEMA } from '../schema.ts';
import { adLinksBody, adLinksView, readAdLinks, replaceAdLinks } from './ad-campaign-links.ts';
import { manualEntryId, recordManualSpend, recordSpendBody, spendEntryView } from './manual-spend.ts';
import { pacingView, readPacing } from './pacing-status.ts';

const BASE = '/api/v1/campaign-executions/:campaignId';
const TAGS = ['spend'];
const params = z.strictObject({ campaignId: z.uuid() });
const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('A repeat with the same key and body answers the first 201 and records nothing more.'),
});
const read = requirePermission('campaigns:read');
const write = requirePermission('campaigns:write');

/** The spend ledger's routes: entries by hand, ad platform links, and pacing. */
export function spendRoutes(app: ServiceApp, ctx: CampaignContext, afterRecord: () => void): void {
  ledgerRoutes(app, ctx, afterRecord);
  adLinkRoutes(app, ctx);
}

function ledgerRoutes(app: ServiceApp, ctx: CampaignContext, afterRecord: () => void): void {
  const idempotency = createPgIdempotencyStore({ pool: ctx.pool, schema: EVENT_STORE_SCHEMA });
  app.post(
    `${BASE}/spend`,
    {
      onRequest: write,
      schema: {
        operationId: 'recordCampaignSpend',
        tags: TAGS,
        summary: "Record spend for a day in the campaign's ledger (refused past a pacing cap)",
        params,
        headers: idempotencyHeaders,
        body: recordSpendBody,
        // 422: another currency than the budget's, past a cap (details: limit, cap, spent, remaining), or a reused key.
        response: { 201: spendEntryView, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { tenantId, userId } = requirePrincipal(request);
      const { campaignId } = request.params;
      const header = request.headers['idempotency-key'];
      const key = header === undefined ? undefined : { tenantId, commandType: 'campaign.record_spend', key: header };
      const cause = {
        actor: { type: 'user' as const, id: userId },
        correlationId: request.id,
        causationId: request.id,
      };
      const view = await withIdempotency(idempotency, key, { campaignId, ...request.body }, () =>
        recordManualSpend(ctx, tenantId, campaignId, request.body, manualEntryId(tenantId, campaignId, header), cause),
      );
      if (view.limitsReached.length > 0) afterRecord();
      return reply.code(201).send(view);
    },
  );
  app.get(
    `${BASE}/pacing`,
    {
      onRequest: read,
      schema: {
        operationId: 'getCampaignPacing',
        tags: TAGS,
        summary: 'Spend against the daily, monthly and total caps, and the latest pacing actions',
        params,
        response: { 200: pacingView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      return withTransaction(ctx.pool, (client) => readPacing(client, tenantId, request.params.campaignId, ctx.now()), {
        tenantId,
      });
    },
  );
}

function adLinkRoutes(app: ServiceApp, ctx: CampaignContext): void {
  app.put(
    `${BASE}/ad-campaigns`,
    {
      onRequest: write,
      schema: {
        operationId: 'replaceCampaignAdLinks',
        tags: TAGS,
        summary: "Set the ad platform campaigns whose synced spend feeds this campaign's ledger",
        params,
        body: adLinksBody,
        // 422: an external campaign already linked to another campaign.
        response: { 200: adLinksView, 422: errorResponseSchema },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      return withTransaction(
        ctx.pool,
        (client) => replaceAdLinks(client, tenantId, request.params.campaignId, request.body.links, ctx.now()),
        { tenantId },
      );
    },
  );
  app.get(
    `${BASE}/ad-campaigns`,
    {
      onRequest: read,
      schema: {
        operationId: 'getCampaignAdLinks',
        tags: TAGS,
        summary: "The ad platform campaigns feeding this campaign's ledger",
        params,
        response: { 200: adLinksView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      return withTransaction(ctx.pool, (client) => readAdLinks(client, tenantId, request.params.campaignId), {
        tenantId,
      });
    },
  );
}
