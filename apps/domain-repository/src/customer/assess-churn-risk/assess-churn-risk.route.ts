import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';
import { assessChurnRisk, assessChurnRiskData } from './assess-churn-risk.ts';

/** POST /api/v1/customers/{customerId}/churn-assessment: Re-assess the churn risk now. */
export function assessChurnRiskRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/customers/:customerId/churn-assessment',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        operationId: 'assessCustomerChurnRisk',
        tags: ['customers'],
        summary: 'Re-assess the churn risk now',
        params: z.strictObject({ customerId: z.uuid() }),
        headers: writeHeaders,
        body: assessChurnRiskData.omit({ customerId: true }).extend(expectedVersionField),
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
        command: { type: 'customer.assess_churn_risk', data: { ...body, customerId } },
        decide: assessChurnRisk,
        view: customerView,
      });
    },
  );
}
