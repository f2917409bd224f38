import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { loadAggregate } from '../../write-side/load-aggregate.ts';
import { commandMetadata } from '../../write-side/request-context.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';

/** GET /api/v1/customers/{customerId}: loaded from its event stream (read-your-writes). */
export function getCustomerRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.get(
    '/api/v1/customers/:customerId',
    {
      onRequest: requirePermission('customers:read'),
      schema: {
        operationId: 'getCustomer',
        tags: ['customers'],
        summary: 'A customer (from its event stream)',
        params: z.strictObject({ customerId: z.uuid() }),
        response: { 200: customerViewSchema },
      },
    },
    async (request) => {
      const { customerId } = request.params;
      const { state, version } = await loadAggregate(
        ctx,
        commandMetadata(request, ctx.now).tenantId,
        customerStream,
        customerId,
      );
      return customerView(state, customerId, version);
    },
  );
}
