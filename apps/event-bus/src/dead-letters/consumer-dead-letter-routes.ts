import { isServicePrincipal, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError } from '@bizosaas/ddd-kernel';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { catalogueAggregateTypes } from '../archive/archive-events.ts';
import { groupName } from '../replay/consumer-groups.ts';
import { envelopeOf, toView, type DeadLetterScope } from './consumer-dead-letters.ts';
import {
  discardOne,
  getDeadLetter,
  listDeadLetters,
  redriveAll,
  redriveOne,
  type DeadLetterStore,
} from './dead-letter-actions.ts';

const aggregateType = z.enum(catalogueAggregateTypes() as [string, ...string[]]);
const filterFields = {
  aggregateType: aggregateType.optional(),
  group: groupName.optional(),
  type: z.string().min(1).max(128).optional(),
  /** A platform service may narrow to one tenant; anyone else may only name their own. */
  tenantId: z.uuid().optional(),
};
const listQuery = z.strictObject({
  ...filterFields,
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const entryParams = z.strictObject({
  aggregateType,
  id: z.string().regex(/^\d{1,20}-\d{1,20}$/, 'must be a stream entry id'),
});

const deadLetter = z.object({
  id: z.string(),
  aggregateType: z.string(),
  stream: z.string(),
  sourceStream: z.string().nullable(),
  group: z.string(),
  consumer: z.string(),
  originalEntryId: z.string(),
  error: z.string(),
  deliveries: z.int(),
  deadLetteredAt: z.string(),
  redrivenFrom: z.string().nullable(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  tenantId: z.string().nullable(),
});
const redriven = z.object({
  redriven: z.int(),
  targets: z.array(z.object({ group: z.string(), stream: z.string(), entryId: z.string() })),
});

/** The caller's view: every tenant for a platform service, else its own tenant (naming another is 403). */
function scopeOf(
  request: FastifyRequest,
  asked: string | undefined,
): { scope: DeadLetterScope; tenantId: string | undefined } {
  const principal = requirePrincipal(request);
  const allTenants = isServicePrincipal(principal);
  const tenantId = asked?.toLowerCase();
  if (!allTenants && tenantId !== undefined && tenantId !== principal.tenantId) {
    throw new ForbiddenError("Only a platform service may look at other tenants' dead letters", { tenantId: asked });
  }
  return { scope: { tenantId: principal.tenantId, allTenants }, tenantId };
}

/**
 * Dead letters of internal consumer groups (`<stream>:dlq`, written by libs/messaging): list,
 * inspect, redrive to the group they died in (only that group handles them again), discard.
 */
export function registerConsumerDeadLetterRoutes(app: ServiceApp, store: DeadLetterStore): void {
  const guard = { onRequest: requirePermission('events:subscribe') };
  const tags = ['consumer dead letters'];
  const base = '/api/v1/events/consumer-dead-letters';

  app.get(
    base,
    {
      ...guard,
      schema: {
        tags,
        summary: 'Dead letters of consumer groups, oldest first per stream',
        querystring: listQuery,
        response: { 200: z.object({ deadLetters: z.array(deadLetter), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const { scope, tenantId } = scopeOf(request, filter.tenantId);
      return listDeadLetters(store, scope, { ...filter, tenantId }, { cursor, limit });
    },
  );

  app.get(
    `${base}/:aggregateType/:id`,
    {
      ...guard,
      schema: {
        tags,
        summary: 'One dead letter with its last error and envelope',
        params: entryParams,
        response: { 200: deadLetter.extend({ envelope: z.unknown() }) },
      },
    },
    async (request) => {
      const found = await getDeadLetter(
        store,
        scopeOf(request, undefined).scope,
        request.params.aggregateType,
        request.params.id,
      );
      return { ...toView(found), envelope: envelopeOf(found.entry) };
    },
  );

  app.post(
    `${base}/:aggregateType/:id/redrive`,
    {
      ...guard,
      schema: {
        tags,
        summary: 'Redrive one to the group it died in',
        params: entryParams,
        response: { 200: redriven, 422: errorResponseSchema },
      },
    },
    async (request) =>
      redriveOne(store, scopeOf(request, undefined).scope, request.params.aggregateType, request.params.id),
  );

  app.post(
    `${base}/redrive`,
    {
      ...guard,
      schema: {
        tags,
        summary: 'Redrive every dead letter the filter selects, each to its group',
        body: z.strictObject(filterFields).default({}),
        response: { 200: z.object({ redriven: z.int(), skipped: z.int() }) },
      },
    },
    async (request) => {
      const { scope, tenantId } = scopeOf(request, request.body.tenantId);
      return redriveAll(store, scope, { ...request.body, tenantId });
    },
  );

  app.delete(
    `${base}/:aggregateType/:id`,
    {
      ...guard,
      schema: { tags, summary: 'Discard one', params: entryParams, response: { 204: z.null().describe('Discarded') } },
    },
    async (request, reply) => {
      await discardOne(store, scopeOf(request, undefined).scope, request.params.aggregateType, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
