import type { Redis } from 'ioredis';
import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { TenantIsolationError } from '@bizosaas/ddd-kernel';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../write-side/request-context.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { CrmProvider } from './crm-change.ts';
import {
  crmEventListQuery,
  crmEventView,
  findCrmEvent,
  listCrmEvents,
  recordNotification,
  viewOf,
} from './crm-event-log.ts';
import { enqueueCrmWork } from './crm-work-queue.ts';
import { refuseFutureNotifications } from './future-notifications.ts';
import { translateNotification } from './providers/crm-adapters.ts';

export interface CrmRoutesOptions {
  redis: Redis;
  stream: string;
}

const tags = ['crm-events'];
const manage = requirePermission('integrations:manage');
const accepted = crmEventView.extend({
  duplicate: z.boolean().describe('the provider sent this event id before: nothing new was queued'),
});

export function crmEventRoutes(app: ServiceApp, ctx: RoutesContext, options: CrmRoutesOptions): void {
  app.post(
    '/api/v1/crm-events/:provider',
    {
      onRequest: manage,
      schema: {
        operationId: 'receiveCrmNotification',
        tags,
        summary:
          'Receive a CRM change notification (Salesforce CDC through AWS EventBridge, HubSpot or Pipedrive webhooks)',
        description:
          "Validated in full (every problem listed, nothing stored), logged once per provider event id and processed asynchronously through a Redis Streams work queue. For hubspot the body may also be a page of whole contacts forwarded by an integration sync (HubSpot's CRM v3 list shape with a `source` marker): each record is a notification identified by the sync, the record and its version, never read back from HubSpot.",
        params: z.strictObject({ provider: CrmProvider }),
        body: z.unknown().describe("the provider's own webhook body"),
        response: { 202: z.object({ events: z.array(accepted) }) },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const notifications = translateNotification[provider](request.body);
      const { tenantId, now } = commandMetadata(request, ctx.now);
      refuseFutureNotifications(notifications, now, ctx.clockSkewMs);
      const recorded = await ctx.store.transaction(ctx.pool, tenantId, async (client) => {
        const rows = [];
        for (const notification of notifications)
          rows.push(await recordNotification(client, tenantId, provider, notification));
        return rows;
      });
      // A repeat whose first queueing never ran (still accepted, never attempted) is queued again.
      const toQueue = recorded.filter(({ row }) => row.status === 'accepted' && row.attempts === 0);
      await enqueueCrmWork(
        options.redis,
        options.stream,
        toQueue.map(({ row }) => ({ crmEventId: row.id, tenantId })),
      );
      return reply.status(202).send({ events: recorded.map(({ row, duplicate }) => ({ ...viewOf(row), duplicate })) });
    },
  );

  // Under its provider: /crm-events/{crmEventId} would be the same path template as the POST's /crm-events/{provider}.
  app.get(
    '/api/v1/crm-events/:provider/:crmEventId',
    {
      onRequest: manage,
      schema: {
        operationId: 'getCrmNotification',
        tags,
        summary: 'One received CRM notification and what became of it',
        params: z.strictObject({ provider: CrmProvider, crmEventId: z.uuid() }),
        response: { 200: crmEventView },
      },
    },
    async (request) => {
      const tenantId = commandMetadata(request, ctx.now).tenantId;
      const row = await ctx.store.transaction(ctx.pool, tenantId, (client) =>
        findCrmEvent(client, request.params.crmEventId),
      );
      if (!row || row.provider !== request.params.provider) throw new TenantIsolationError(tenantId);
      return viewOf(row);
    },
  );

  app.get(
    '/api/v1/crm-events',
    {
      onRequest: manage,
      schema: {
        operationId: 'listCrmNotifications',
        tags,
        summary: 'Received CRM notifications, newest first',
        querystring: crmEventListQuery,
        response: { 200: z.object({ events: z.array(crmEventView), nextCursor: z.uuid().nullable() }) },
      },
    },
    async (request) => {
      const tenantId = commandMetadata(request, ctx.now).tenantId;
      return ctx.store.transaction(ctx.pool, tenantId, (client) => listCrmEvents(client, request.query));
    },
  );
}
