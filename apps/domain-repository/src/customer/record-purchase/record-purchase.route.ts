import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';
import { recordPurchase, recordPurchaseData } from './record-purchase.ts';

/** POST /api/v1/customers/{customerId}/purchases: Record a purchase (totals, tier and churn risk follow). */
export function recordPurchaseRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/customers/:customerId/purchases',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        operationId: 'recordCustomerPurchase',
        tags: ['customers'],
        summary: 'Record a purchase (totals, tier and churn risk follow)',
        params: z.strictObject({ customerId: z.uuid() }),
        headers: writeHeaders,
        body: recordPurchaseData.omit({ customerId: true }).extend(expectedVersionField),
        response: { 200: customerViewSchema, ...commandErrors },
      },
    },
    async (request) => {
      const { expectedVersion, ...body } = request.body;
      const { customerId } = request.params;
      return ctx.handle(request, {
        aggregate: customerStream,
        aggregateId: customerId,
        expectedVersion,
        facts: { purchasedAt: body.purchasedAt },
        command: { type: 'customer.record_purchase', data: { ...body, customerId } },
        decide: recordPurchase,
        view: customerView,
      });
    },
  );
}
