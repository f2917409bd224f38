import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { TenantIsolationError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import type { ServiceApp } from '@bizosaas/service-kit';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';

const deadLetter = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  attemptsLog: z.array(
    z.object({
      attempt: z.int(),
      attemptedAt: z.string(),
      statusCode: z.int().nullable(),
      latencyMs: z.int(),
      error: z.string().nullable(),
    }),
  ),
});
const idParams = z.strictObject({ id: z.uuid() });

/** Webhook deliveries that ran out of retries: list (with every attempt), redrive one or all, discard. */
export function registerDeadLetterRoutes(app: ServiceApp, prisma: PrismaClient): void {
  const guard = { onRequest: requirePermission('events:subscribe') };
  const tags = ['dead letters'];
  const tenantOf = (request: Parameters<typeof requirePrincipal>[0]) => requirePrincipal(request).tenantId;

  app.get(
    '/api/v1/events/dead-letters',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Dead webhook deliveries',
        response: { 200: z.object({ deadLetters: z.array(deadLetter) }) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const rows = await withTenant(prisma, tenantId, async (tx) => {
        const dead = await tx.delivery.findMany({
          where: { status: 'dead' },
          orderBy: { createdAt: 'asc' },
          take: 500,
        });
        const attempts = await tx.deliveryAttempt.findMany({
          where: { deliveryId: { in: dead.map((d) => d.id) } },
          orderBy: { attempt: 'asc' },
        });
        return dead.map((d) => ({ ...d, attemptsLog: attempts.filter((a) => a.deliveryId === d.id) }));
      });
      return {
        deadLetters: rows.map((d) => ({
          id: d.id,
          subscriptionId: d.subscriptionId,
          eventId: d.eventId,
          eventType: d.eventType,
          attempts: d.attempts,
          lastError: d.lastError,
          createdAt: d.createdAt.toISOString(),
          attemptsLog: d.attemptsLog.map((a) => ({
            attempt: a.attempt,
            attemptedAt: a.attemptedAt.toISOString(),
            statusCode: a.statusCode,
            latencyMs: a.latencyMs,
            error: a.error,
          })),
        })),
      };
    },
  );

  // A redriven delivery starts a fresh schedule, due now.
  const redrive = (tenantId: string, where: { id?: string }) =>
    withTenant(prisma, tenantId, (tx) =>
      tx.delivery.updateMany({
        where: { status: 'dead', ...where },
        data: { status: 'pending', attempts: 0, nextAttemptAt: new Date() },
      }),
    );

  app.post(
    '/api/v1/events/dead-letters/:id/redrive',
    {
      ...guard,
      schema: { tags, summary: 'Redrive one', params: idParams, response: { 200: z.object({ redriven: z.int() }) } },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const { count } = await redrive(tenantId, { id: request.params.id });
      if (count === 0) throw new TenantIsolationError(tenantId);
      return { redriven: count };
    },
  );

  app.post(
    '/api/v1/events/dead-letters/redrive',
    {
      ...guard,
      schema: { tags, summary: 'Redrive all', response: { 200: z.object({ redriven: z.int() }) } },
    },
    async (request) => ({ redriven: (await redrive(tenantOf(request), {})).count }),
  );

  app.delete(
    '/api/v1/events/dead-letters/:id',
    {
      ...guard,
      schema: { tags, summary: 'Discard one', params: idParams, response: { 204: z.null().describe('Discarded') } },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { count } = await withTenant(prisma, tenantId, (tx) =>
        tx.delivery.deleteMany({ where: { id: request.params.id, status: 'dead' } }),
      );
      if (count === 0) throw new TenantIsolationError(tenantId);
      return reply.code(204).send(null);
    },
  );
}
