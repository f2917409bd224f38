import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { PERMISSIONS, hasPermission, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError, NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { IdentityContext } from '../context.ts';
import { newApiKey } from '../tokens/opaque-token.ts';

const tags = ['api-keys'];
const apiKeyView = z.object({
  id: z.uuid(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdBy: z.uuid(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const createBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  permissions: z.array(z.enum(PERMISSIONS)).min(1),
});

type ApiKeyRow = {
  id: string;
  name: string;
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};
const toView = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  permissions: row.permissions,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

/** API keys for machine clients of a tenant; managing them needs users:manage. */
export function apiKeysRoutes(app: ServiceApp, ctx: IdentityContext): void {
  app.post(
    '/api/v1/api-keys',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Create an API key (shown once)',
        body: createBody,
        response: { 201: apiKeyView.extend({ apiKey: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = requirePrincipal(request);
      const missing = request.body.permissions.filter((permission) => !hasPermission(caller, permission));
      if (missing.length > 0) throw new ForbiddenError('A key cannot have permissions its creator lacks', { missing });
      const id = randomUUID();
      const { key, secretHash } = newApiKey(caller.tenantId, id);
      const row = await withTenant(ctx.prisma, caller.tenantId, (tx) =>
        tx.apiKey.create({
          data: {
            id,
            tenantId: caller.tenantId,
            name: request.body.name,
            permissions: [...new Set(request.body.permissions)],
            secretHash,
            createdBy: caller.userId,
            createdAt: ctx.now(),
          },
        }),
      );
      return reply.code(201).send({ ...toView(row), apiKey: key });
    },
  );

  app.get(
    '/api/v1/api-keys',
    {
      onRequest: requirePermission('users:manage'),
      schema: { tags, summary: "The tenant's API keys", response: { 200: z.object({ items: z.array(apiKeyView) }) } },
    },
    async (request) => {
      const rows = await withTenant(ctx.prisma, requirePrincipal(request).tenantId, (tx) =>
        tx.apiKey.findMany({ orderBy: { createdAt: 'asc' } }),
      );
      return { items: rows.map(toView) };
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: z.null().describe('No content') },
      },
    },
    async (request, reply) => {
      const { count } = await withTenant(ctx.prisma, requirePrincipal(request).tenantId, (tx) =>
        tx.apiKey.updateMany({ where: { id: request.params.id, revokedAt: null }, data: { revokedAt: ctx.now() } }),
      );
      if (count === 0) throw new NotFoundError('API key not found', { apiKeyId: request.params.id });
      return reply.code(204).send(null);
    },
  );
}
