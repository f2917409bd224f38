import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { customerStream } from '../customer.ts';
import { customerView, customerViewSchema } from '../customer-view.ts';
import { updateProfile, updateProfileData } from './update-customer-profile.ts';

/** PUT /api/v1/customers/{customerId}/profile: Replace the profile. */
export function updateCustomerProfileRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.put(
    '/api/v1/customers/:customerId/profile',
    {
      onRequest: requirePermission('customers:write'),
      schema: {
        operationId: 'updateCustomerProfile',
        tags: ['customers'],
        summary: 'Replace the profile',
        params: z.strictObject({ customerId: z.uuid() }),
        headers: writeHeaders,
        body: updateProfileData.omit({ customerId: true }).extend(expectedVersionField),
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
        command: { type: 'customer.update_profile', data: { ...body, customerId } },
        decide: updateProfile,
        view: customerView,
      });
    },
  );
}
