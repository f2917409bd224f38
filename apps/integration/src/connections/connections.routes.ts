import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { createPgIdempotencyStore, withIdempotency } from '@bizosaas/event-store';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { OUTBOX_SCHEMA } from '../events/tenant-transaction.ts';
import { apiKeyCredentialsBody } from './api-key-credentials.ts';
import { connectionListQuery, connectionPage, listConnections } from './connection-list.ts';
import { connectionView, getConnection } from './connection-store.ts';
import { createApiKeyConnection, createConnectionBody, type Causation } from './create-connection.ts';
import { deleteConnection } from './delete-connection.ts';
import { replaceApiKey } from './replace-api-key.ts';

const URL = '/api/v1/integrations/connections';
const idParams = z.strictObject({ id: z.uuid() });
const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('A repeat with the same key and body answers the first 201 and connects nothing more.'),
});
/** 422: an OAuth 2 provider (connect sessions), or an Idempotency-Key reused with another body. */
const writeErrors = { 422: errorResponseSchema } as const;
const manage = requirePermission('integrations:manage');

const causationOf = (request: FastifyRequest): Causation => ({
  actor: { type: 'user', id: requirePrincipal(request).userId },
  correlationId: request.id,
  causationId: request.id,
});

/** API-key connections, the tenant's connections, credentials replacement and deletion. */
export const connectionsFeature: FeatureModule = (app, ctx) => {
  const idempotency = createPgIdempotencyStore({ pool: ctx.pool, schema: OUTBOX_SCHEMA });
  app.post(
    URL,
    {
      onRequest: manage,
      schema: {
        operationId: 'createConnection',
        tags: ['connections'],
        summary: 'Connect an API-key provider (credentials sealed, never returned)',
        headers: idempotencyHeaders,
        body: createConnectionBody,
        response: { 201: connectionView, ...writeErrors },
      },
    },
    async (request, reply) => {
      const { tenantId } = requirePrincipal(request);
      const key = request.headers['idempotency-key'];
      const idempotencyKey =
        key === undefined ? undefined : { tenantId, commandType: 'integration.connect_api_key', key };
      const view = await withIdempotency(idempotency, idempotencyKey, request.body, () =>
        createApiKeyConnection(ctx, tenantId, request.body, causationOf(request), ctx.now()),
      );
      return reply.code(201).send(view);
    },
  );
  app.get(
    URL,
    {
      onRequest: manage,
      schema: {
        operationId: 'listConnections',
        tags: ['connections'],
        summary: "The tenant's connections, oldest first (filters: provider, status)",
        querystring: connectionListQuery,
        response: { 200: connectionPage },
      },
    },
    async (request) =>
      withTransaction(ctx.pool, (client) => listConnections(client, request.query), {
        tenantId: requirePrincipal(request).tenantId,
      }),
  );
  app.get(
    `${URL}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'getConnection',
        tags: ['connections'],
        summary: 'One connection (never its credentials)',
        params: idParams,
        response: { 200: connectionView },
      },
    },
    async (request) =>
      withTransaction(ctx.pool, (client) => getConnection(client, request.params.id), {
        tenantId: requirePrincipal(request).tenantId,
      }),
  );
  app.put(
    `${URL}/:id/credentials`,
    {
      onRequest: manage,
      schema: {
        operationId: 'replaceConnectionCredentials',
        tags: ['connections'],
        summary: "Replace an API-key connection's key (the webhook secret is kept unless given)",
        params: idParams,
        body: apiKeyCredentialsBody,
        response: { 200: connectionView, ...writeErrors },
      },
    },
    async (request) =>
      replaceApiKey(ctx, requirePrincipal(request).tenantId, request.params.id, request.body, ctx.now()),
  );
  app.delete(
    `${URL}/:id`,
    {
      onRequest: manage,
      schema: {
        operationId: 'deleteConnection',
        tags: ['connections'],
        summary: 'Delete a connection: revoked at the provider where it can be, every trace removed',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      const log = (fields: Record<string, unknown>, message: string) =>
        request.log.warn({ connectionId: request.params.id, ...fields }, message);
      const deleted = await deleteConnection(
        ctx,
        requirePrincipal(request).tenantId,
        request.params.id,
        causationOf(request),
        log,
      );
      request.log.info({ connectionId: request.params.id, ...deleted }, 'connection deleted');
      return reply.code(204).send(null);
    },
  );
};
