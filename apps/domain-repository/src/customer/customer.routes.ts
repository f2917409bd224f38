import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import type { ServiceApp } from '@bizosaas/service-kit';
import { commandMetadata, expectedVersionField, expectedVersionOf, writeHeaders } from '../write-side/request-context.ts';
import { commandErrors, createErrors } from '../write-side/route-responses.ts';
import type { RoutesContext } from '../write-side/routes-context.ts';
import { atRiskPage, atRiskQuery, listAtRiskCustomers } from './customer-list/customer-list.query.ts';
import { customerViewSchema, loadCustomer } from './customer-view.ts';
import { createCustomerData } from './create-customer/create-customer.ts';
import { recordPurchaseData } from './record-purchase/record-purchase.ts';
import { updatePreferencesData, updateProfileData } from './update-profile/update-profile.ts';

const params = z.strictObject({ customerId: z.uuid() });
const tags = ['customers'];
const write = requirePermission('customers:write');
const read = requirePermission('customers:read');

/** Writes on one customer: body = the command's data without customerId, plus expectedVersion. */
const writes = [
  ['put', 'profile', 'updateCustomerProfile', 'customer.update_profile', updateProfileData.omit({ customerId: true }), 'Replace the profile'],
  ['put', 'preferences', 'updateCustomerPreferences', 'customer.update_preferences', updatePreferencesData.omit({ customerId: true }), 'Replace the communication preferences'],
  ['post', 'purchases', 'recordCustomerPurchase', 'customer.record_purchase', recordPurchaseData.omit({ customerId: true }), 'Record a purchase (totals, tier and churn risk follow)'],
  ['post', 'churn-assessment', 'assessCustomerChurnRisk', 'customer.assess_churn_risk', z.strictObject({}), 'Re-assess the churn risk now'],
] as const;

export function customerRoutes(app: ServiceApp, ctx: RoutesContext): void {
  app.post('/api/v1/customers', {
    onRequest: write,
    schema: {
      operationId: 'createCustomer', tags, summary: 'Create a customer directly (conversion creates one too)', headers: writeHeaders,
      body: createCustomerData.omit({ customerId: true, conversion: true }), response: { 201: customerViewSchema, ...createErrors },
    },
  }, async (request, reply) => {
    const customer = await ctx.execute({ type: 'customer.create', data: request.body, metadata: commandMetadata(request, ctx.now) });
    return reply.status(201).send(customer);
  });

  for (const [method, path, operationId, type, schema, summary] of writes) {
    app.route({
      method: method.toUpperCase() as 'PUT' | 'POST',
      url: `/api/v1/customers/:customerId/${path}`,
      onRequest: write,
      schema: {
        operationId, tags, summary, params, headers: writeHeaders,
        body: (schema as z.ZodObject).extend(expectedVersionField), response: { 200: customerViewSchema, ...commandErrors },
      },
      handler: async (request) => {
        const body = (request.body ?? {}) as Record<string, unknown> & { expectedVersion?: number };
        const expectedVersion = expectedVersionOf(request, body.expectedVersion);
        const data = { ...body, customerId: request.params.customerId, ...(expectedVersion !== undefined && { expectedVersion }) };
        return ctx.execute({ type, data, metadata: commandMetadata(request, ctx.now) });
      },
    });
  }

  // Registered before /:customerId would not matter (static segments win), kept first for readers.
  app.get('/api/v1/customers/at-risk', {
    onRequest: read,
    schema: { operationId: 'listAtRiskCustomers', tags, summary: 'Customers by churn risk, highest first (projection)', querystring: atRiskQuery, response: { 200: atRiskPage } },
  }, async (request) => listAtRiskCustomers(ctx.pool, commandMetadata(request, ctx.now).tenantId, request.query));

  app.get('/api/v1/customers/:customerId', {
    onRequest: read,
    schema: { operationId: 'getCustomer', tags, summary: 'A customer (from its event stream)', params, response: { 200: customerViewSchema } },
  }, async (request) => loadCustomer(ctx.store, ctx.pool, commandMetadata(request, ctx.now).tenantId, request.params.customerId));
}
