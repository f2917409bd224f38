import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { requirePermission, requirePrincipal } from '@bizosaas/auth';
import { withTransaction } from '@bizosaas/db';
import { errorResponseSchema } from '@bizosaas/service-kit';
import type { FeatureModule } from '../context.ts';
import { ruleBody, ruleEventType, ruleView } from './rule.ts';
import { createRule, deleteRule, getRule, listRules, replaceRule } from './rule-store.ts';

const idParams = z.strictObject({ id: z.uuid() });
const listQuery = z.strictObject({ eventType: ruleEventType.optional() });
const rulePage = z.object({ items: z.array(ruleView) });

/** 422: another rule of the tenant sends the same template on the same event, or a built-in rule's key. */
const writeErrors = { 422: errorResponseSchema } as const;

/** Which events trigger which templates: the tenant's rules and the built-in defaults. */
export const rulesFeature: FeatureModule = (app, ctx) => {
  const inTenant = <T>(request: FastifyRequest, work: (client: pg.PoolClient, tenantId: string) => Promise<T>) => {
    const { tenantId } = requirePrincipal(request);
    return withTransaction(ctx.pool, (client) => work(client, tenantId), { tenantId });
  };
  app.post(
    '/api/v1/notifications/rules',
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'createNotificationRule',
        tags: ['rules'],
        summary: 'Send a template when an event arrives (replaces the built-in rule with the same event and template)',
        body: ruleBody,
        response: { 201: ruleView, ...writeErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTenant(request, (client, tenantId) => createRule(client, tenantId, request.body, ctx.now()))),
  );
  app.get(
    '/api/v1/notifications/rules',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'listNotificationRules',
        tags: ['rules'],
        summary: "Rules in force: the tenant's own and the built-in ones it has not replaced",
        querystring: listQuery,
        response: { 200: rulePage },
      },
    },
    async (request) => ({ items: await inTenant(request, (client) => listRules(client, request.query.eventType)) }),
  );
  app.get(
    '/api/v1/notifications/rules/:id',
    {
      onRequest: requirePermission('notifications:read'),
      schema: {
        operationId: 'getNotificationRule',
        tags: ['rules'],
        summary: 'One rule in force',
        params: idParams,
        response: { 200: ruleView },
      },
    },
    async (request) => inTenant(request, (client) => getRule(client, request.params.id)),
  );
  app.put(
    '/api/v1/notifications/rules/:id',
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'replaceNotificationRule',
        tags: ['rules'],
        summary: "Replace a rule; replacing a built-in one creates the tenant's own rule in its place",
        params: idParams,
        body: ruleBody,
        response: { 200: ruleView, ...writeErrors },
      },
    },
    async (request) =>
      inTenant(request, (client, tenantId) =>
        replaceRule(client, tenantId, request.params.id, request.body, ctx.now()),
      ),
  );
  app.delete(
    '/api/v1/notifications/rules/:id',
    {
      onRequest: requirePermission('notifications:manage'),
      schema: {
        operationId: 'deleteNotificationRule',
        tags: ['rules'],
        summary: "Delete the tenant's rule (the built-in rule it replaced applies again)",
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...writeErrors },
      },
    },
    async (request, reply) => {
      await inTenant(request, (client) => deleteRule(client, request.params.id));
      return reply.code(204).send(null);
    },
  );
};
