import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { createAddressPolicy } from '@bizosaas/outbound-http';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { IntegrationContext } from '../context.ts';
import { checkCustomProvider, customProviderBody, customProviderReplacement } from './custom-provider-body.ts';
import {
  createCustomProvider,
  deleteCustomProvider,
  getCustomProvider,
  listCustomProviders,
  replaceCustomProvider,
} from './custom-provider-store.ts';
import { providerDefinition } from './provider.ts';
import { customProviderView } from './provider-view.ts';

const URL = '/api/v1/integrations/providers/custom';
const keyParams = z.strictObject({ key: providerDefinition.shape.key });
const customProviderList = z.object({ items: z.array(customProviderView) });
/** 422: a built-in provider's key, a key taken, or a provider connections still use. */
const writeErrors = { 422: errorResponseSchema } as const;
const manage = requirePermission('integrations:manage');

/** CRUD of a tenant's generic API-key and OAuth 2 providers (integrations:manage). */
export function customProviderRoutes(app: ServiceApp, ctx: IntegrationContext): void {
  const policy = createAddressPolicy({ allowedCidrs: ctx.config.OUTBOUND_ALLOWED_CIDRS });
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient, tenantId: string) => Promise<T>) => {
    const { tenantId } = requirePrincipal(request);
    return withTransaction(ctx.pool, (client) => work(client, tenantId), { tenantId });
  };
  app.post(
    URL,
    {
      onRequest: manage,
      schema: {
        operationId: 'createCustomProvider',
        tags: ['providers'],
        summary: 'Configure a generic API-key or OAuth 2 provider (the client secret is sealed, never shown)',
        body: customProviderBody,
        response: { 201: customProviderView, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { client, ...definition } = request.body;
      checkCustomProvider(definition, client, policy, true);
      const view = await inTenant(request, (db, tenantId) =>
        createCustomProvider(db, ctx, tenantId, request.body, ctx.now()),
      );
      return reply.code(201).send(view);
    },
  );
  app.get(
    URL,
    {
      onRequest: manage,
      schema: {
        operationId: 'listCustomProviders',
        tags: ['providers'],
        summary: "The tenant's own providers",
        response: { 200: customProviderList },
      },
    },
    async (request) => ({ items: await inTenant(request, listCustomProviders) }),
  );
  app.get(
    `${URL}/:key`,
    {
      onRequest: manage,
      schema: {
        operationId: 'getCustomProvider',
        tags: ['providers'],
        summary: "One of the tenant's own providers",
        params: keyParams,
        response: { 200: customProviderView },
      },
    },
    async (request) => inTenant(request, (db) => getCustomProvider(db, request.params.key)),
  );
  app.put(
    `${URL}/:key`,
    {
      onRequest: manage,
      schema: {
        operationId: 'replaceCustomProvider',
        tags: ['providers'],
        summary: "Replace a tenant's provider (an omitted client secret keeps the stored one)",
        params: keyParams,
        body: customProviderReplacement,
        response: { 200: customProviderView, ...writeErrors },
      },
    },
    async (request) => {
      const { client, ...definition } = request.body;
      checkCustomProvider({ ...definition, key: request.params.key }, client, policy, false);
      return inTenant(request, (db, tenantId) =>
        replaceCustomProvider(db, ctx, tenantId, request.params.key, request.body, ctx.now()),
      );
    },
  );
  app.delete(
    `${URL}/:key`,
    {
      onRequest: manage,
      schema: {
        operationId: 'deleteCustomProvider',
        tags: ['providers'],
        summary: "Delete a tenant's provider (refused while connections use it)",
        params: keyParams,
        response: { 204: z.null().describe('Deleted'), ...writeErrors },
      },
    },
    async (request, reply) => {
      await inTenant(request, (db) => deleteCustomProvider(db, request.params.key));
      return reply.code(204).send(null);
    },
  );
}
