import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import type { FeatureModule, NotificationContext } from '../context.ts';
import {
  preferencesBody,
  preferencesView,
  type PreferencesDocument,
  type PreferencesView,
  type StoredPreferences,
} from './preference-document.ts';
import { loadPreferences, putPreferences } from './preference-store.ts';

const tags = ['preferences'];
const userParams = z.strictObject({ userId: z.uuid() });

function viewOf(stored: StoredPreferences | null): PreferencesView {
  if (stored === null) return { channels: {}, categories: {}, quietHours: null, updatedAt: null };
  return {
    channels: stored.channels,
    categories: stored.categories,
    quietHours: stored.quietHours,
    updatedAt: stored.updatedAt.toISOString(),
  };
}

async function read(ctx: NotificationContext, tenantId: string, userId: string): Promise<PreferencesView> {
  const stored = await withTransaction(ctx.pool, (client) => loadPreferences(client, tenantId, userId), { tenantId });
  return viewOf(stored);
}

async function replace(
  ctx: NotificationContext,
  tenantId: string,
  userId: string,
  document: PreferencesDocument,
): Promise<PreferencesView> {
  const stored = await withTransaction(
    ctx.pool,
    (client) => putPreferences(client, tenantId, userId, document, ctx.now()),
    { tenantId },
  );
  return viewOf(stored);
}

/**
 * GET|PUT /api/v1/notifications/preferences for the caller (any signed-in user), and the same
 * under /users/:userId/ for those with notifications:manage. PUT replaces the whole document.
 */
export const preferencesFeature: FeatureModule = (app, ctx) => {
  app.get(
    '/api/v1/notifications/preferences',
    {
      schema: {
        operationId: 'getMyNotificationPreferences',
        tags,
        summary: "The caller's notification preferences (empty, updatedAt null, when none are stored)",
        response: { 200: preferencesView },
      },
    },
    async (request) => {
      const { tenantId, userId } = requirePrincipal(request);
      return read(ctx, tenantId, userId);
    },
  );

  app.put(
    '/api/v1/notifications/preferences',
    {
      schema: {
        operationId: 'putMyNotificationPreferences',
        tags,
        summary: "Replace the caller's notification preferences",
        body: preferencesBody,
        response: { 200: preferencesView },
      },
    },
    async (request) => {
      const { tenantId, userId } = requirePrincipal(request);
      return replace(ctx, tenantId, userId, request.body);
    },
  );

  app.get(
    '/api/v1/notifications/users/:userId/preferences',
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'getUserNotificationPreferences',
        tags,
        summary: "A user's notification preferences (empty, updatedAt null, when none are stored)",
        params: userParams,
        response: { 200: preferencesView },
      },
    },
    async (request) => read(ctx, requirePrincipal(request).tenantId, request.params.userId.toLowerCase()),
  );

  app.put(
    '/api/v1/notifications/users/:userId/preferences',
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'putUserNotificationPreferences',
        tags,
        summary: "Replace a user's notification preferences",
        params: userParams,
        body: preferencesBody,
        response: { 200: preferencesView },
      },
    },
    async (request) =>
      replace(ctx, requirePrincipal(request).tenantId, request.params.userId.toLowerCase(), request.body),
  );
};
