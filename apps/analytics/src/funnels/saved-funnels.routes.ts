import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionOf } from '../http/expected-version.ts';
import type { AnalyticsContext, FeatureModule } from '../context.ts';
import { answerFunnel, FUNNEL_TAGS } from './funnel-query.routes.ts';
import {
  createFunnelBody,
  funnelIdParams,
  funnelResultView,
  listFunnelsQuery,
  savedFunnelQueryBody,
  savedFunnelView,
  updateFunnelBody,
} from './funnel-schemas.ts';
import { assertFunnelSpec } from './run-funnel.ts';
import {
  assertVersion,
  createFunnel,
  deleteFunnel,
  getFunnel,
  listFunnels,
  updateFunnel,
} from './saved-funnel-store.ts';

const BASE = '/api/v1/analytics/funnels';
const ifMatchHeaders = z.object({
  'if-match': z.string().max(40).optional().describe('The version the change was made from, as the ETag reads: "3"'),
});
const etagOf = (version: number) => `"${version}"`;

const versionRule = { field: 'expectedVersion', required: false, what: 'funnel' };

/** Runs `work` in one transaction of the caller's tenant (RLS shows only its funnels). */
function inTenant<T>(
  ctx: AnalyticsContext,
  request: FastifyRequest,
  work: (client: pg.PoolClient, tenantId: string) => Promise<T>,
): Promise<T> {
  const { tenantId } = requirePrincipal(request);
  return withTransaction(ctx.pool, (client) => work(client, tenantId), { tenantId });
}

function registerWrites(app: ServiceApp, ctx: AnalyticsContext): void {
  const manage = requirePermission('analytics:manage');
  app.post(
    BASE,
    {
      onRequest: manage,
      schema: {
        operationId: 'createFunnel',
        tags: FUNNEL_TAGS,
        summary: 'Save a funnel definition (version 1)',
        body: createFunnelBody,
        response: { 201: savedFunnelView },
      },
    },
    async (request, reply) => {
      assertFunnelSpec(request.body.definition, 'definition.');
      const { userId } = requirePrincipal(request);
      const created = await inTenant(ctx, request, (client, tenantId) =>
        createFunnel(client, tenantId, request.body, userId, ctx.now()),
      );
      return reply.status(201).header('etag', etagOf(created.version)).send(created);
    },
  );
  app.put(
    `${BASE}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'updateFunnel',
        tags: FUNNEL_TAGS,
        summary: 'Replace the name and definition: the next version (If-Match or expectedVersion guards)',
        params: funnelIdParams,
        headers: ifMatchHeaders,
        body: updateFunnelBody,
        response: { 200: savedFunnelView, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { expectedVersion: bodyVersion, ...input } = request.body;
      const expectedVersion = expectedVersionOf(request, bodyVersion, versionRule);
      assertFunnelSpec(input.definition, 'definition.');
      const updated = await inTenant(ctx, request, async (client, tenantId) => {
        const current = await getFunnel(client, tenantId, request.params.id, { forUpdate: true });
        assertVersion(current, expectedVersion);
        return updateFunnel(client, tenantId, current, input, ctx.now());
      });
      return reply.header('etag', etagOf(updated.version)).send(updated);
    },
  );
  app.delete(
    `${BASE}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'deleteFunnel',
        tags: FUNNEL_TAGS,
        summary: 'Delete a saved funnel (If-Match guards when sent)',
        params: funnelIdParams,
        headers: ifMatchHeaders,
        response: { 204: z.null().describe('Deleted'), 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const expectedVersion = expectedVersionOf(request, undefined, versionRule);
      await inTenant(ctx, request, async (client, tenantId) => {
        assertVersion(await getFunnel(client, tenantId, request.params.id, { forUpdate: true }), expectedVersion);
        await deleteFunnel(client, tenantId, request.params.id);
      });
      return reply.code(204).send(null);
    },
  );
}

function registerReads(app: ServiceApp, ctx: AnalyticsContext): void {
  const read = requirePermission('analytics:read');
  app.get(
    BASE,
    {
      onRequest: read,
      schema: {
        operationId: 'listFunnels',
        tags: FUNNEL_TAGS,
        summary: 'Saved funnels, newest first; cursor-paged',
        querystring: listFunnelsQuery,
        response: { 200: z.object({ funnels: z.array(savedFunnelView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => inTenant(ctx, request, (client, tenantId) => listFunnels(client, tenantId, request.query)),
  );
  app.get(
    `${BASE}/:id`,
    {
      onRequest: read,
      schema: {
        operationId: 'getFunnel',
        tags: FUNNEL_TAGS,
        summary: 'One saved funnel (ETag: its version)',
        params: funnelIdParams,
        response: { 200: savedFunnelView },
      },
    },
    async (request, reply) => {
      const found = await inTenant(ctx, request, (client, tenantId) => getFunnel(client, tenantId, request.params.id));
      return reply.header('etag', etagOf(found.version)).send(found);
    },
  );
  app.post(
    `${BASE}/:id/query`,
    {
      onRequest: read,
      schema: {
        operationId: 'querySavedFunnel',
        tags: FUNNEL_TAGS,
        summary: 'Run a saved funnel over a range, now or as of a position',
        params: funnelIdParams,
        body: savedFunnelQueryBody,
        response: { 200: funnelResultView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const funnel = await inTenant(ctx, request, (client) => getFunnel(client, tenantId, request.params.id));
      return answerFunnel(ctx, tenantId, funnel.definition, request.body, 'definition.');
    },
  );
}

/** Saved funnels: create, list, read, replace (versioned), delete, and run. */
export const savedFunnelsFeature: FeatureModule = (app, ctx) => {
  registerWrites(app, ctx);
  registerReads(app, ctx);
};
