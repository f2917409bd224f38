import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ValidationError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { FeatureModule, NotificationContext } from '../context.ts';
import { checkTemplate } from './render.ts';
import { BASE, idParams, inTenant, TAGS } from './template-http.ts';
import { listTemplates } from './template-list.ts';
import { registerPreviewRoutes } from './template-preview.routes.ts';
import {
  checkSubject,
  createTemplateBody,
  listTemplatesQuery,
  templateVersionView,
  templateView,
  updateTemplateBody,
} from './template-schemas.ts';
import { assertVersion, createTemplate, getTemplate, listTemplateVersions, updateTemplate } from './template-store.ts';

const ifMatchHeaders = z.object({
  /** The version the change was made from, as the ETag reads: `"3"` (or `3`, or `W/"3"`). */
  'if-match': z.string().max(40).optional(),
});

/** The version from If-Match or the body's expectedVersion (they must agree when both are sent). */
function expectedVersionOf(request: FastifyRequest, bodyVersion: number | undefined): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '' || header.trim() === '*') return bodyVersion;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match)
    throw new ValidationError('If-Match must be a template version such as "3"', [
      { path: 'if-match', message: 'must be "<version>"', location: 'headers' },
    ]);
  const version = Number(match[1]);
  if (bodyVersion !== undefined && bodyVersion !== version)
    throw new ValidationError('If-Match and expectedVersion disagree', [
      { path: 'expectedVersion', message: 'differs from If-Match', location: 'body' },
    ]);
  return version;
}

const etagOf = (version: number) => `"${version}"`;

function registerTemplateRoutes(app: ServiceApp, ctx: NotificationContext): void {
  app.post(
    BASE,
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'createTemplate',
        tags: TAGS,
        summary: 'Create a template (version 1); it is test-rendered and refused with the line of any error',
        body: createTemplateBody,
        response: { 201: templateView, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const input = request.body;
      checkSubject(input.channel, input.subject);
      checkTemplate(input, input.channel);
      const { userId } = requirePrincipal(request);
      const created = await inTenant(ctx, request, (client, tenantId) =>
        createTemplate(client, tenantId, input, userId, ctx.now()),
      );
      return reply.status(201).header('etag', etagOf(created.version)).send(created);
    },
  );

  app.get(
    BASE,
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'listTemplates',
        tags: TAGS,
        summary: 'Templates, oldest first, filtered by key, channel, locale or category; cursor-paged',
        querystring: listTemplatesQuery,
        response: { 200: z.object({ templates: z.array(templateView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => inTenant(ctx, request, (client, tenantId) => listTemplates(client, tenantId, request.query)),
  );

  app.get(
    `${BASE}/:id`,
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'getTemplate',
        tags: TAGS,
        summary: 'One template at its current version (ETag: the version)',
        params: idParams,
        response: { 200: templateView },
      },
    },
    async (request, reply) => {
      const found = await inTenant(ctx, request, (client, tenantId) =>
        getTemplate(client, tenantId, request.params.id),
      );
      return reply.header('etag', etagOf(found.version)).send(found);
    },
  );

  app.put(
    `${BASE}/:id`,
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'updateTemplate',
        tags: TAGS,
        summary:
          'Replace subject, body, category, critical and enabledByDefault: the next version (If-Match or expectedVersion guards)',
        params: idParams,
        headers: ifMatchHeaders,
        body: updateTemplateBody,
        response: { 200: templateView, 409: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { expectedVersion: bodyVersion, ...content } = request.body;
      const expectedVersion = expectedVersionOf(request, bodyVersion);
      const { userId } = requirePrincipal(request);
      const updated = await inTenant(ctx, request, async (client, tenantId) => {
        const current = await getTemplate(client, tenantId, request.params.id, { forUpdate: true });
        assertVersion(current, expectedVersion);
        checkSubject(current.channel, content.subject);
        checkTemplate(content, current.channel);
        return updateTemplate(client, tenantId, current, content, userId, ctx.now());
      });
      return reply.header('etag', etagOf(updated.version)).send(updated);
    },
  );

  app.get(
    `${BASE}/:id/versions`,
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'listTemplateVersions',
        tags: TAGS,
        summary: 'Every version of a template, newest first (messages record the version they used)',
        params: idParams,
        response: { 200: z.object({ versions: z.array(templateVersionView) }) },
      },
    },
    async (request) =>
      inTenant(ctx, request, async (client, tenantId) => {
        await getTemplate(client, tenantId, request.params.id);
        return { versions: await listTemplateVersions(client, tenantId, request.params.id) };
      }),
  );
}

/** Templates per tenant, key, channel and locale: create, list, read, replace (versioned), preview. */
export const templatesFeature: FeatureModule = (app, ctx) => {
  registerTemplateRoutes(app, ctx);
  registerPreviewRoutes(app, ctx);
};
