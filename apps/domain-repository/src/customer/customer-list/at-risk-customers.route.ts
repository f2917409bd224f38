import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { atRiskPage, atRiskQuery, listAtRiskCustomers } from './at-risk-customers.query.ts';

/** GET /api/v1/customers/at-risk: the customer_list projection, highest churn risk first. */
export function atRiskCustomersRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/customers/at-risk',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        operationId: 'listAtRiskCustomers',
        tags: ['customers'],
        summary: 'Customers by churn risk, highest first (projection)',
        querystring: atRiskQuery,
        response: { 200: atRiskPage },
      },
    },
    async (request) => listAtRiskCustomers(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query),
  );
}
