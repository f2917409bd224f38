import { z } from 'zod';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import { requireUserCaller } from '../auth/caller.ts';
import type { IdentityContext } from '../context.ts';
import { revokeSessions } from './session-store.ts';

const tags = ['sessions'];
const sessionView = z.object({
  id: z.uuid(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  current: z.boolean().describe('the session of the token making this request'),
});

/** A user's own sessions (refresh-token families): list and end them. */
export function sessionsRoutes(app: ServiceApp, ctx: IdentityContext): void {
  app.get(
    '/api/v1/sessions',
    {
      schema: {
        tags,
        summary: 'My active sessions',
        response: { 200: z.object({ items: z.array(sessionView) }), 403: errorResponseSchema },
      },
    },
    async (request) => {
      const { principal, sessionId } = requireUserCaller(request);
      const rows = await withTenant(ctx.prisma, principal.tenantId, (tx) =>
        tx.session.findMany({
          where: { userId: principal.userId, revokedAt: null, expiresAt: { gt: ctx.now() } },
          orderBy: { lastSeenAt: 'desc' },
        }),
      );
      return {
        items: rows.map((row) => ({
          id: row.id,
          userAgent: row.userAgent,
          ip: row.ip,
          createdAt: row.createdAt.toISOString(),
          lastSeenAt: row.lastSeenAt.toISOString(),
          expiresAt: row.expiresAt.toISOString(),
          current: row.id === sessionId,
        })),
      };
    },
  );

  app.delete(
    '/api/v1/sessions/:id',
    {
      schema: {
        tags,
        summary: 'End one of my sessions',
        params: z.strictObject({ id: z.uuid() }),
        response: { 204: z.null().describe('No content'), 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { principal } = requireUserCaller(request);
      // Another user's session answers 404 exactly like a missing one.
      const revoked = await withTenant(ctx.prisma, principal.tenantId, (tx) =>
        revokeSessions(tx, { id: request.params.id, userId: principal.userId }, 'user_revoked', ctx.now()),
      );
      if (revoked === 0) throw new NotFoundError('Session not found', { sessionId: request.params.id });
      return reply.code(204).send(null);
    },
  );
}
