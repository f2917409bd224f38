import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError } from '@bizosaas/ddd-kernel';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { EventEnvelope } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { z } from 'zod';
import { readHistory } from './read-history.ts';

const historyBody = z.strictObject({
  /** Optional; must be the token's tenant (history is always the caller's tenant's). */
  tenantId: z.uuid().optional(),
  /** Seed 002's `event_types`: only events of these types. */
  eventTypes: z.array(z.string().min(1)).min(1).max(50).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  aggregateId: z.uuid().optional(),
  /** The whole causal chain of one request across services. */
  correlationId: z.string().min(1).max(128).optional(),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.int().min(1).max(500).default(50),
});

const event = z.looseObject({
  id: z.string(),
  type: z.string(),
  tenantId: z.string(),
  occurredAt: z.string(),
  correlationId: z.string(),
});

/** `POST /api/v1/events/history`: the tenant's archived events, filtered, in time order, cursor-paged. */
export function registerHistoryRoute(
  app: ServiceApp,
  pool: pg.Pool,
  /** Opens the page's sealed sensitive fields for the caller (of the events' tenant; src/encryption). */
  open: (events: readonly EventEnvelope[]) => Promise<EventEnvelope[]>,
): void {
  app.post(
    '/api/v1/events/history',
    {
      schema: {
        tags: ['history'],
        summary: "Archived events of the caller's tenant",
        body: historyBody,
        response: { 200: z.object({ events: z.array(event), nextCursor: z.string().nullable() }) },
      },
      onRequest: requirePermission('events:subscribe'),
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { tenantId: asked, ...query } = request.body;
      if (asked !== undefined && asked.toLowerCase() !== tenantId) {
        throw new ForbiddenError('tenantId must be the tenant of the token', { tenantId: asked });
      }
      const page = await readHistory(pool, tenantId, query);
      return { ...page, events: await open(page.events) };
    },
  );
}
