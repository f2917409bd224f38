import { z } from 'zod';
import { SUBSCRIPTION_PLANS, requirePermission, requirePrincipal } from '@bizosaas/auth';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { withTenant } from '@bizosaas/db';
import { errorResponseSchema, type ServiceApp } from '@bizosaas/service-kit';
import type { IdentityContext } from '../context.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { changeSubscription } from './change-subscription.ts';
import { BILLING_CYCLES, tenantView, toTenantView } from './tenant-view.ts';

const tags = ['tenants'];
const patchBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  settings: z.record(z.string(), z.unknown()).optional().describe('replaces the settings object'),
});
const subscriptionBody = z.strictObject({ plan: z.enum(SUBSCRIPTION_PLANS), billingCycle: z.enum(BILLING_CYCLES) });
const subscriptionResponse = z.object({
  tenant: tenantView,
  price: z.string().describe('decimal, per billing cycle'),
  currency: z.string(),
});

export function tenantsRoutes(app: ServiceApp, ctx: IdentityContext): void {
  app.get(
    '/api/v1/tenants/current',
    {
      onRequest: requirePermission('users:read'),
      schema: { tags, summary: "The caller's tenant", response: { 200: tenantView, 404: errorResponseSchema } },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const tenant = await withTenant(ctx.prisma, tenantId, (tx) => tx.tenant.findUnique({ where: { tenantId } }));
      if (tenant === null) throw new NotFoundError('Tenant not found');
      return toTenantView(tenant);
    },
  );

  app.patch(
    '/api/v1/tenants/current',
    {
      onRequest: requirePermission('tenant:manage'),
      schema: {
        tags,
        summary: 'Rename the tenant or replace its settings',
        body: patchBody,
        response: { 200: tenantView },
      },
    },
    async (request) => {
      const { tenantId } = requirePrincipal(request);
      const { name, settings } = request.body;
      const tenant = await withTenant(ctx.prisma, tenantId, (tx) =>
        tx.tenant.update({
          where: { tenantId },
          data: {
            ...(name && { name }),
            ...(settings && { settings: settings as Prisma.InputJsonObject }),
            updatedAt: ctx.now(),
          },
        }),
      );
      return toTenantView(tenant);
    },
  );

  app.post(
    '/api/v1/tenants/current/subscription',
    {
      onRequest: requirePermission('tenant:manage'),
      schema: {
        tags,
        summary: 'Change plan and billing cycle',
        body: subscriptionBody,
        response: { 200: subscriptionResponse, 404: errorResponseSchema },
      },
    },
    async (request) => changeSubscription(ctx, requirePrincipal(request), request.body, request.id),
  );
}
