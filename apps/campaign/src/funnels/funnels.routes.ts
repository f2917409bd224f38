import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { CampaignContext, FeatureModule } from '../context.ts';
import { stageCounts } from './funnel-stage-counts.ts';
import {
  createFunnelBody,
  funnelIdParams,
  funnelListView,
  funnelView,
  listFunnelsQuery,
  stageCountsView,
  updateFunnelBody,
} from './funnel-schemas.ts';
import { createFunnel, deleteFunnel, getFunnel, listFunnels, updateFunnel } from './funnel-store.ts';

const BASE = '/api/v1/funnels';
const TAGS = ['funnels'];

/** Runs `work` in one transaction of the caller's tenant (RLS shows only its rows). */
function inTenant<T>(
  ctx: CampaignContext,
  request: FastifyRequest,
  work: (client: pg.PoolClient, tenantId: string) => Promise<T>,
): Promise<T> {
  const { tenantId } = requirePrincipal(request);
  return withTransaction(ctx.pool, (client: pg.PoolClient) => work(client, tenantId), { tenantId });
}

const write = requirePermission('campaigns:write');
const read = requirePermission('campaigns:read');

function registerCreate(app: ServiceApp, ctx: CampaignContext): void {
  app.post(
    BASE,
    {
      onRequest: write,
      schema: {
        operationId: 'createFunnel',
        tags: TAGS,
        summary: 'Create a sales funnel (version 1)',
        body: createFunnelBody,
        response: { 201: funnelView },
      },
    },
    async (request, reply) => {
      const { userId } = requirePrincipal(request);
      const created = await inTenant(ctx, request, (client, tenantId) =>
        createFunnel(client, tenantId, request.body, userId, ctx.now()),
      );
      return reply.status(201).send(created);
    },
  );
}

function registerUpdate(app: ServiceApp, ctx: CampaignContext): void {
  app.put(
    `${BASE}/:id`,
    {
      onRequest: write,
      schema: {
        operationId: 'updateFunnel',
        tags: TAGS,
        summary: 'Replace a funnel: the next version, when expectedVersion is the current one',
        params: funnelIdParams,
        body: updateFunnelBody,
        response: { 200: funnelView, 409: errorResponseSchema },
      },
    },
    async (request) =>
      inTenant(ctx, request, (client, tenantId) =>
        updateFunnel(client, tenantId, request.params.id, request.body, ctx.now()),
      ),
  );
}

function registerDelete(app: ServiceApp, ctx: CampaignContext): void {
  app.delete(
    `${BASE}/:id`,
    {
      onRequest: write,
      schema: {
        operationId: 'deleteFunnel',
        tags: TAGS,
        summary: 'Delete a funnel',
        params: funnelIdParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await inTenant(ctx, request, (client, tenantId) => deleteFunnel(client, tenantId, request.params.id));
      return reply.code(204).send(null);
    },
  );
}

function registerList(app: ServiceApp, ctx: CampaignContext): void {
  app.get(
    BASE,
    {
      onRequest: read,
      schema: {
        operationId: 'listFunnels',
        tags: TAGS,
        summary: 'Sales funnels, newest first; cursor-paged',
        querystring: listFunnelsQuery,
        response: { 200: funnelListView },
      },
    },
    async (request) => inTenant(ctx, request, (client, tenantId) => listFunnels(client, tenantId, request.query)),
  );
}

function registerGet(app: ServiceApp, ctx: CampaignContext): void {
  app.get(
    `${BASE}/:id`,
    {
      onRequest: read,
      schema: {
        operationId: 'getFunnel',
        tags: TAGS,
        summary: 'One sales funnel',
        params: funnelIdParams,
        response: { 200: funnelView },
      },
    },
    async (request) => inTenant(ctx, request, (client, tenantId) => getFunnel(client, tenantId, request.params.id)),
  );
}

function registerStages(app: ServiceApp, ctx: CampaignContext): void {
  app.get(
    `${BASE}/:id/stages`,
    {
      onRequest: read,
      schema: {
        operationId: 'getFunnelStages',
        tags: TAGS,
        summary: "Live counts of leads per stage (reached: the stage's status or a later one's) and conversions",
        params: funnelIdParams,
        response: { 200: stageCountsView },
      },
    },
    async (request) =>
      inTenant(ctx, request, async (client, tenantId) =>
        stageCounts(client, tenantId, await getFunnel(client, tenantId, request.params.id), ctx.now()),
      ),
  );
}

/** Sales funnels: CRUD (versioned replace) and live stage counts over the contacts read model. */
export const funnelsFeature: FeatureModule = (app, ctx) => {
  for (const register of [registerCreate, registerList, registerGet, registerUpdate, registerDelete, registerStages])
    register(app, ctx);
};
