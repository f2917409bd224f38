import { isServicePrincipal, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { ForbiddenError, TenantIsolationError, ValidationError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { uuidv7 } from '@bizosaas/event-schemas';
import { outboundUrl, type AddressPolicy } from '@bizosaas/outbound-http';
import type { ServiceApp } from '@bizosaas/service-kit';
import { z } from 'zod';
import type { MasterKeyring } from '@bizosaas/envelope-encryption';
import { sensitiveFilterIssues } from '../encryption/sensitive-filter.ts';
import { sealWebhookSecret } from '../encryption/webhook-secrets.ts';
import type { Prisma, PrismaClient, Subscription } from '../generated/prisma/client.ts';
import { EVENT_TYPE_PATTERN } from './subscription-match.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** `webhookUrl` is refused when it names a loopback, private, link-local or metadata address (libs/outbound-http). */
const subscribeBody = (policy: AddressPolicy) =>
  z.strictObject({
    eventType: z.string().regex(EVENT_TYPE_PATTERN, 'must be an event type, `context.*` or `*`'),
    serviceName: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a kebab-case name'),
    webhookUrl: outboundUrl(policy),
    filter: z
      .record(z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted path'), z.unknown())
      .default({}),
    /** Every tenant's events: platform service identities only. */
    allTenants: z.boolean().default(false),
  });

export const subscriptionView = z.object({
  id: z.string(),
  eventType: z.string(),
  serviceName: z.string(),
  webhookUrl: z.string(),
  filter: z.record(z.string(), z.unknown()),
  allTenants: z.boolean(),
  status: z.enum(['active', 'paused', 'disabled']),
  failingSince: z.string().nullable(),
  createdAt: z.string(),
});

const idParams = z.strictObject({ id: z.uuid() });

export const toView = (s: Subscription) => ({
  id: s.id,
  eventType: s.eventType,
  serviceName: s.serviceName,
  webhookUrl: s.webhookUrl,
  filter: s.filter as Record<string, unknown>,
  allTenants: s.allTenants,
  status: s.status as 'active' | 'paused' | 'disabled',
  failingSince: s.failingSince?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
});

/** subscribe, list, get, pause, resume, delete: the caller's tenant's subscriptions (RLS). */
export function registerSubscriptionRoutes(
  app: ServiceApp,
  prisma: PrismaClient,
  keyring: MasterKeyring,
  policy: AddressPolicy,
): void {
  const guard = { onRequest: requirePermission('events:subscribe') };
  const tags = ['subscriptions'];
  const tenantOf = (request: Parameters<typeof requirePrincipal>[0]) => requirePrincipal(request).tenantId;
  const find = async (tenantId: string, id: string) => {
    const found = await withTenant(prisma, tenantId, (tx) => tx.subscription.findUnique({ where: { id } }));
    if (!found) throw new TenantIsolationError(tenantId);
    return found;
  };

  app.post(
    '/api/v1/events/subscribe',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Subscribe a webhook',
        body: subscribeBody(policy),
        response: { 201: subscriptionView.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (request.body.allTenants && !isServicePrincipal(principal)) {
        throw new ForbiddenError('Only a platform service may subscribe across tenants', { allTenants: true });
      }
      const encryptedFilter = sensitiveFilterIssues(request.body.eventType, request.body.filter);
      if (encryptedFilter.length > 0)
        throw new ValidationError('A filter cannot match an encrypted field', encryptedFilter);
      const [id, secret] = [uuidv7(), newWebhookSecret()];
      const sealed = sealWebhookSecret(keyring, secret, { tenantId: principal.tenantId, subscriptionId: id });
      const created = await withTenant(prisma, principal.tenantId, (tx) =>
        tx.subscription.create({
          data: {
            id,
            tenantId: principal.tenantId,
            secret: sealed,
            ...request.body,
            filter: request.body.filter as Prisma.InputJsonObject,
          },
        }),
      );
      // The secret is shown once (stored sealed): receivers verify `webhook-signature` with it.
      return reply.code(201).send({ ...toView(created), secret });
    },
  );

  app.get(
    '/api/v1/events/subscriptions',
    {
      ...guard,
      schema: {
        tags,
        summary: 'List subscriptions',
        response: { 200: z.object({ subscriptions: z.array(subscriptionView) }) },
      },
    },
    async (request) => {
      const rows = await withTenant(prisma, tenantOf(request), (tx) =>
        tx.subscription.findMany({ orderBy: { createdAt: 'asc' } }),
      );
      return { subscriptions: rows.map(toView) };
    },
  );

  app.get(
    '/api/v1/events/subscriptions/:id',
    {
      ...guard,
      schema: { tags, summary: 'One subscription', params: idParams, response: { 200: subscriptionView } },
    },
    async (request) => toView(await find(tenantOf(request), request.params.id)),
  );

  const setStatus =
    (status: 'paused' | 'active') =>
    async (request: { params: { id: string } } & Parameters<typeof requirePrincipal>[0]) => {
      const tenantId = tenantOf(request);
      await find(tenantId, request.params.id);
      const updated = await withTenant(prisma, tenantId, async (tx) => {
        // Resuming (also a disabled one) makes what it missed due now.
        if (status === 'active') {
          await tx.delivery.updateMany({
            where: { subscriptionId: request.params.id, status: 'pending' },
            data: { nextAttemptAt: new Date() },
          });
        }
        return tx.subscription.update({
          where: { id: request.params.id },
          data: { status, updatedAt: new Date(), ...(status === 'active' ? { failingSince: null } : {}) },
        });
      });
      return toView(updated);
    };
  app.post(
    '/api/v1/events/subscriptions/:id/pause',
    {
      ...guard,
      schema: { tags, summary: 'Pause deliveries', params: idParams, response: { 200: subscriptionView } },
    },
    setStatus('paused'),
  );
  app.post(
    '/api/v1/events/subscriptions/:id/resume',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Resume (or re-enable) deliveries',
        params: idParams,
        response: { 200: subscriptionView },
      },
    },
    setStatus('active'),
  );

  app.delete(
    '/api/v1/events/subscriptions/:id',
    {
      ...guard,
      schema: {
        tags,
        summary: 'Delete a subscription and its undelivered events',
        params: idParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await find(tenantId, request.params.id);
      await withTenant(prisma, tenantId, async (tx) => {
        await tx.delivery.deleteMany({ where: { subscriptionId: request.params.id, status: { not: 'delivered' } } });
        await tx.subscription.delete({ where: { id: request.params.id } });
      });
      return reply.code(204).send(null);
    },
  );
}
