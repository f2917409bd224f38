import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';
import { updatePreferences, updatePreferencesData } from './update-customer-preferences.ts';

/** PUT /api/v1/customers/{customerId}/preferences: Replace the communication preferences. */
export function updateCustomerPreferencesRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.put(
    '/api/v1/customers/:customerId/preferences',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        operationId: 'updateCustomerPreferences',
        tags: ['customers'],
        summary: 'Replace the communication preferences',
        params: z.strictObject({ customerId: z.uuid() }),
        headers: writeHeaders,
        body: updatePreferencesData.omit({ customerId: true }).extend(expectedVersionField),
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
        command: { type: 'customer.update_preferences', data: { ...body, customerId } },
        decide: updatePreferences,
        view: customerView,
      });
    },
  );
}
