import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import type { ServiceApp } from '@bizosaas/service-kit';
import type { NotificationContext } from '../context.ts';
import { renderTemplate } from './render.ts';
import { BASE, idParams, inTenant, TAGS } from './template-http.ts';
import { checkSubject, previewStoredBody, previewUnsavedBody, renderedView } from './template-schemas.ts';
import { findTemplateVersion, getTemplate } from './template-store.ts';

/** Renders a stored version, or content not saved yet, with the data a trigger would carry. */
export function registerPreviewRoutes(app: ServiceApp, ctx: NotificationContext): void {
  app.post(
    `${BASE}/:id/preview`,
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'previewTemplate',
        tags: TAGS,
        summary: 'Render a stored version (default the current one) with data; a missing variable is a 400 naming it',
        params: idParams,
        body: previewStoredBody,
        response: { 200: renderedView.extend({ version: z.int() }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const template = await inTenant(ctx, request, async (client, tenantId) => {
        const current = await getTemplate(client, tenantId, id);
        const found = await findTemplateVersion(client, tenantId, id, request.body.version ?? current.version);
        if (!found) throw new NotFoundError('Template version not found', { id, version: request.body.version });
        return found;
      });
      return { ...renderTemplate(template, request.body.data), version: template.version };
    },
  );

  app.post(
    `${BASE}/preview`,
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'previewUnsavedTemplate',
        tags: TAGS,
        summary: 'Render content not saved yet with data, checked as a save would check it',
        body: previewUnsavedBody,
        response: { 200: renderedView },
      },
    },
    async (request) => {
      const { channel, subject, body, data } = request.body;
      checkSubject(channel, subject);
      return renderTemplate({ channel, subject: subject ?? null, body }, data);
    },
  );
}
