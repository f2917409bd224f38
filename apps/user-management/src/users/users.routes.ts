import { z } from 'zod';
import { ROLES, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import { requireUserCaller } from '../auth/caller.ts';
import { name, email, password } from '../auth/auth.schemas.ts';
import type { IdentityContext } from '../context.ts';
import { createUser } from './create-user.ts';
import { deactivateUser, reactivateUser, revokeUserSessions, updateUser } from './user-admin.ts';
import { USER_STATUSES, toUserView, userView } from './user-view.ts';

const tags = ['users'];
const params = z.strictObject({ id: z.uuid() });

const createBody = z.strictObject({
  email,
  role: z.enum(ROLES),
  password: password.optional(),
  firstName: name.optional(),
  lastName: name.optional(),
});
const createResponse = z.object({
  user: userView,
  invitationToken: z.string().optional().describe('shown once, for invited users (no password given)'),
  invitationExpiresAt: z.string().optional(),
});
const listQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  role: z.enum(ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
});
const listResponse = z.object({ items: z.array(userView), page: z.number(), pageSize: z.number(), total: z.number() });
const patchBody = z.strictObject({
  firstName: name.optional(),
  lastName: name.optional(),
  role: z.enum(ROLES).optional(),
});
const deactivateBody = z
  .strictObject({
    reason: z.enum(['left_company', 'security', 'admin_request', 'tenant_closed', 'other']).default('admin_request'),
    note: z.string().max(500).nullable().default(null),
  })
  .nullish()
  .describe('optional; reason defaults to admin_request');

export function usersRoutes(app: ServiceApp, ctx: IdentityContext): void {
  app.get(
    '/api/v1/users/me',
    {
      schema: {
        tags,
        summary: 'The signed-in user',
        response: { 200: userView, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const { principal } = requireUserCaller(request);
      const user = await withTenant(ctx.prisma, principal.tenantId, (tx) =>
        tx.user.findUnique({ where: { id: principal.userId } }),
      );
      if (user === null) throw new NotFoundError('User not found');
      return toUserView(user);
    },
  );

  app.post(
    '/api/v1/users',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Add a user (active with a password, else invited)',
        body: createBody,
        response: { 201: createResponse, 409: errorResponseSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createUser(ctx, requirePrincipal(request), request.body, request.id)),
  );

  app.get(
    '/api/v1/users',
    {
      onRequest: requirePermission('users:read'),
      schema: { tags, summary: "The tenant's users", querystring: listQuery, response: { 200: listResponse } },
    },
    async (request) => {
      const { page, pageSize, role, status } = request.query;
      const where = { ...(role && { role }), ...(status && { status }) };
      const [items, total] = await withTenant(ctx.prisma, requirePrincipal(request).tenantId, (tx) =>
        Promise.all([
          tx.user.findMany({
            where,
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
            skip: (page - 1) * pageSize,
            take: pageSize,
          }),
          tx.user.count({ where }),
        ]),
      );
      return { items: items.map(toUserView), page, pageSize, total };
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      onRequest: requirePermission('users:read'),
      schema: { tags, summary: 'One user of the tenant', params, response: { 200: userView } },
    },
    async (request) => {
      const user = await withTenant(ctx.prisma, requirePrincipal(request).tenantId, (tx) =>
        tx.user.findUnique({ where: { id: request.params.id } }),
      );
      if (user === null) throw new NotFoundError('User not found', { userId: request.params.id });
      return toUserView(user);
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Change names or role',
        params,
        body: patchBody,
        response: { 200: userView, 422: errorResponseSchema },
      },
    },
    async (request) => updateUser(ctx, requirePrincipal(request), request.params.id, request.body, request.id),
  );

  app.post(
    '/api/v1/users/:id/deactivate',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Deactivate a user and end their sessions',
        params,
        body: deactivateBody,
        response: { 200: userView, 422: errorResponseSchema },
      },
    },
    async (request) =>
      deactivateUser(
        ctx,
        requirePrincipal(request),
        request.params.id,
        request.body ?? { reason: 'admin_request', note: null },
        request.id,
      ),
  );

  app.post(
    '/api/v1/users/:id/reactivate',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'Reactivate a deactivated user',
        params,
        response: { 200: userView, 422: errorResponseSchema },
      },
    },
    async (request) => reactivateUser(ctx, requirePrincipal(request), request.params.id),
  );

  app.delete(
    '/api/v1/users/:id/sessions',
    {
      onRequest: requirePermission('users:manage'),
      schema: {
        tags,
        summary: 'End every session of a user',
        params,
        response: { 200: z.object({ revoked: z.number().int() }) },
      },
    },
    async (request) => ({ revoked: await revokeUserSessions(ctx, requirePrincipal(request), request.params.id) }),
  );
}
