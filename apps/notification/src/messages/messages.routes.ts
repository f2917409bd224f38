import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule } from '../context.ts';
import { explainMessage, explanation, timelineEntry, timelineOf } from './explain.ts';
import { MESSAGE_AGGREGATE } from './message-events.ts';
import {
  attemptView,
  callbackView,
  getMessage,
  listMessages,
  messageListQuery,
  messagePage,
  messageView,
} from './messages.query.ts';
import { deliveryStats, deliveryStatsQuery, deliveryStatsView } from './delivery-stats.ts';

const idParams = z.strictObject({ id: z.uuid() });

const messageDetail = messageView.extend({
  attemptLog: z.array(attemptView),
  callbacks: z.array(callbackView),
  events: z.array(timelineEntry),
});

/** Delivery truth: every message with its attempts, callbacks and events; why; per-provider figures. */
export const messagesFeature: FeatureModule = (app, ctx) => {
  const inTenant = <T>(tenantId: string, work: Parameters<typeof withTransaction<T>>[1]) =>
    withTransaction(ctx.pool, work, { tenantId });
  app.get(
    '/api/v1/notifications/messages',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'listNotificationMessages',
        tags: ['messages'],
        summary: 'Messages, newest first, by transaction, status, channel or user',
        querystring: messageListQuery,
        response: { 200: messagePage },
      },
    },
    async (request) => inTenant(requirePrincipal(request).tenantId, (client) => listMessages(client, request.query)),
  );
  app.get(
    '/api/v1/notifications/messages/:id',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'getNotificationMessage',
        tags: ['messages'],
        summary: 'One message with every attempt, provider answer, callback and event',
        params: idParams,
        response: { 200: messageDetail },
      },
    },
    async (request) =>
      inTenant(requirePrincipal(request).tenantId, async (client) => {
        const message = await getMessage(client, request.params.id);
        const events = await ctx.store.readStream(client, {
          aggregateType: MESSAGE_AGGREGATE,
          aggregateId: message.id,
        });
        return { ...message, events: timelineOf(events) };
      }),
  );
  app.get(
    '/api/v1/notifications/messages/:id/explain',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'explainNotificationMessage',
        tags: ['messages'],
        summary: 'Why this message was or was not sent: its whole causal chain',
        params: idParams,
        response: { 200: explanation },
      },
    },
    async (request) =>
      inTenant(requirePrincipal(request).tenantId, (client) => explainMessage(ctx, client, request.params.id)),
  );
  app.get(
    '/api/v1/notifications/stats',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'getNotificationDeliveryStats',
        tags: ['messages'],
        summary: 'Sent, delivered, bounced and failed messages and provider latency per channel and provider',
        querystring: deliveryStatsQuery,
        response: { 200: deliveryStatsView },
      },
    },
    async (request) =>
      inTenant(requirePrincipal(request).tenantId, (client) => deliveryStats(client, request.query, ctx.now())),
  );
};
