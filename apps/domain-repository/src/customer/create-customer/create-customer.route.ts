import { requirePermission } from '@bizosaas/auth';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { writeHeaders } from '../../write-side/request-context.ts';
import { createErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';
import { createCustomer, createCustomerData } from './create-customer.ts';

/** POST /api/v1/customers: a customer created directly (a lead's conversion creates one too). */
export function createCustomerRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/customers',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        operationId: 'createCustomer',
        tags: ['customers'],
        summary: 'Create a customer directly (conversion creates one too)',
        headers: writeHeaders,
        body: createCustomerData.omit({ customerId: true, conversion: true }),
        response: { 201: customerViewSchema, ...createErrors },
      },
    },
    async (request, reply) => {
      const customerId = uuidv7();
      const customer = await ctx.handle(request, {
        aggregate: customerStream,
        aggregateId: customerId,
        creates: true,
        command: { type: 'customer.create', data: { ...request.body, customerId, conversion: null } },
        decide: createCustomer,
        view: customerView,
      });
      return reply.status(201).send(customer);
    },
  );
}
