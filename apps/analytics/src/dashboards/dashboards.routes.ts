import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { AnalyticsContext } from '../context.ts';
import { checkTileConfigs, dashboardBody, type TileConfigSchemas } from './dashboard-input.ts';
import { dashboardListQuery, dashboardPage, listDashboards } from './dashboard-list.ts';
import { createDashboard, deleteDashboard, getDashboard, replaceDashboard } from './dashboard-store.ts';
import { dashboardView, toView } from './dashboard-view.ts';
import { resolveSavedRange } from './date-presets.ts';
import { expectedVersionOf } from '../http/expected-version.ts';

const PATH = '/api/v1/analytics/dashboards';
const idParams = z.strictObject({ id: z.uuid() });
const replaceBody = dashboardBody.extend({
  version: z.int().min(1).optional().describe('The version the change was made on (or If-Match)'),
});
const ifMatch = z.object({ 'if-match': z.string().max(40).optional().describe('The version, e.g. "3"') });

/** Dashboards CRUD: writes need analytics:manage; another tenant's id is 404 like a missing one. */
export function registerDashboardRoutes(app: ServiceApp, ctx: AnalyticsContext, schemas: TileConfigSchemas): void {
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient) => Promise<T>) =>
    withTransaction(ctx.pool, work, { tenantId: requirePrincipal(request).tenantId });
  // The saved range and zone are checked as they would be read (a bad zone is refused now, not on every read).
  const check = (body: z.output<typeof dashboardBody>) => {
    checkTileConfigs(body.tiles, schemas);
    resolveSavedRange(body.dateRange, body.timezone, ctx.now());
  };

  app.post(
    PATH,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'createDashboard',
        tags: ['dashboards'],
        summary: 'Save a dashboard: its tiles (kpis, query, funnel, retention), default range and time zone',
        body: dashboardBody,
        response: { 201: dashboardView },
      },
    },
    async (request, reply) => {
      check(request.body);
      const { tenantId, userId } = requirePrincipal(request);
      const created = await inTenant(request, (client) =>
        createDashboard(client, { tenantId, createdBy: userId, now: ctx.now() }, request.body),
      );
      return reply.code(201).header('etag', `"${created.version}"`).send(toView(created));
    },
  );
  app.get(
    PATH,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'listDashboards',
        tags: ['dashboards'],
        summary: "The tenant's dashboards, newest first",
        querystring: dashboardListQuery,
        response: { 200: dashboardPage },
      },
    },
    async (request) => inTenant(request, (client) => listDashboards(client, request.query)),
  );
  app.get(
    `${PATH}/:id`,
    {
      onRequest: requirePermission('analytics:read'),
      schema: {
        operationId: 'getDashboard',
        tags: ['dashboards'],
        summary: 'One dashboard with its tiles (ETag: its version)',
        params: idParams,
        response: { 200: dashboardView },
      },
    },
    async (request, reply) => {
      const found = await inTenant(request, (client) => getDashboard(client, request.params.id));
      return reply.header('etag', `"${found.version}"`).send(toView(found));
    },
  );
  app.put(
    `${PATH}/:id`,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'replaceDashboard',
        tags: ['dashboards'],
        summary: 'Replace name, description, range, zone and tiles, if the dashboard is still at the version sent',
        params: idParams,
        headers: ifMatch,
        body: replaceBody,
        response: { 200: dashboardView, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { version, ...body } = request.body;
      const expectedVersion = expectedVersionOf(request, version, {
        field: 'version',
        required: true,
        what: 'dashboard',
      });
      check(body);
      const { tenantId } = requirePrincipal(request);
      const replaced = await inTenant(request, (client) =>
        replaceDashboard(client, { tenantId, id: request.params.id, expectedVersion, now: ctx.now() }, body),
      );
      return reply.header('etag', `"${replaced.version}"`).send(toView(replaced));
    },
  );
  app.delete(
    `${PATH}/:id`,
    {
      onRequest: requirePermission('analytics:manage'),
      schema: {
        operationId: 'deleteDashboard',
        tags: ['dashboards'],
        summary: 'Delete a dashboard and its tiles',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      await inTenant(request, (client) => deleteDashboard(client, request.params.id));
      return reply.code(204).send(null);
    },
  );
}
