import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import { getConnection } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { findProvider } from '../providers/find-provider.ts';
import { assertModelSupported } from './sources/sync-sources.ts';
import { startRun, type ClaimedRun } from './start-run.ts';
import { deleteSync, getSync, insertSync, listRuns, listSyncs, replaceSync } from './sync-store.ts';
import { createSyncBody, replaceSyncBody, runView, syncView } from './sync.ts';

const tags = ['syncs'];
const manage = requirePermission('integrations:manage');
const idParams = z.strictObject({ id: z.uuid() });
const BASE = '/api/v1/integrations/syncs';

export interface SyncRoutesOptions {
  leaseMs: number;
  /** Executes a run started on demand (in the background: the answer does not wait for it). */
  execute: (claimed: ClaimedRun) => unknown;
}

/** Syncs of a tenant's connections: CRUD, runs on demand and the runs' counts. */
export function syncRoutes(app: ServiceApp, ctx: IntegrationContext, options: SyncRoutesOptions): void {
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient, tenantId: string) => Promise<T>) => {
    const { tenantId } = requirePrincipal(request);
    return withTransaction(ctx.pool, (client) => work(client, tenantId), { tenantId });
  };

  app.post(
    BASE,
    {
      onRequest: manage,
      schema: {
        operationId: 'createSync',
        tags,
        summary: "Sync a model of a connection's provider (contacts: HubSpot; campaign_metrics: Google Ads)",
        body: createSyncBody,
        response: { 201: syncView, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const created = await inTenant(request, async (client, tenantId) => {
        const connection = await getConnection(client, request.body.connectionId);
        const provider = await findProvider(client, connection.provider, ctx.config.PROVIDER_OVERRIDES);
        assertModelSupported(provider, request.body.model);
        return insertSync(client, tenantId, request.body, ctx.now());
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    BASE,
    {
      onRequest: manage,
      schema: {
        operationId: 'listSyncs',
        tags,
        summary: "The tenant's syncs",
        response: { 200: z.object({ items: z.array(syncView) }) },
      },
    },
    async (request) => ({ items: await inTenant(request, (client) => listSyncs(client)) }),
  );

  app.get(
    `${BASE}/:id`,
    {
      onRequest: manage,
      schema: { operationId: 'getSync', tags, summary: 'One sync', params: idParams, response: { 200: syncView } },
    },
    async (request) => (await inTenant(request, (client) => getSync(client, request.params.id))).view,
  );

  app.put(
    `${BASE}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'replaceSync',
        tags,
        summary: "Replace a sync's mode, schedule and enabled flag (a run going on keeps its pass)",
        params: idParams,
        body: replaceSyncBody,
        response: { 200: syncView },
      },
    },
    async (request) => inTenant(request, (client) => replaceSync(client, request.params.id, request.body, ctx.now())),
  );

  app.delete(
    `${BASE}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'deleteSync',
        tags,
        summary: 'Delete a sync with its runs and what it saw of each record',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await inTenant(request, (client) => deleteSync(client, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${BASE}/:id/run`,
    {
      onRequest: manage,
      schema: {
        operationId: 'runSync',
        tags,
        summary: 'Run a sync now; it resumes from where the last run stopped',
        description: 'Answers once the run is started; 409 with details.runId while a run of the sync is going on.',
        params: idParams,
        response: { 202: z.object({ runId: z.uuid() }), 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { tenantId, userId } = requirePrincipal(request);
      const claimed = await startRun(ctx, tenantId, request.params.id, {
        trigger: 'manual',
        actor: { type: 'user', id: userId },
        leaseMs: options.leaseMs,
      });
      options.execute(claimed);
      return reply.code(202).send({ runId: claimed.runId });
    },
  );

  app.get(
    `${BASE}/:id/runs`,
    {
      onRequest: manage,
      schema: {
        operationId: 'listSyncRuns',
        tags,
        summary: "The sync's runs with their counts, newest first",
        params: idParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(runView) }) },
      },
    },
    async (request) => ({
      items: await inTenant(request, (client) => listRuns(client, request.params.id, request.query.limit)),
    }),
  );
}
