import { z } from 'zod';
import { requirePermission } from '@bizosaas/auth';
import { uuidv7 } from '@bizosaas/event-schemas';
import type { ServiceApp } from '@bizosaas/service-kit';
import { createCustomer } from '../../customer/create-customer/create-customer.ts';
import { customerStream } from '../../customer/customer.ts';
import { customerView, customerViewSchema } from '../../customer/customer-view.ts';
import { decideOnStream } from '../../write-side/decide-on-stream.ts';
import { expectedVersionField, writeHeaders } from '../../write-side/request-context.ts';
import { commandErrors } from '../../write-side/route-responses.ts';
import type { RoutesContext } from '../../write-side/routes-context.ts';
import { leadStream } from '../lead.ts';
import { leadView, leadViewSchema } from '../lead-view.ts';
import { convertLead, convertLeadData, customerFromConversion } from './convert-lead.ts';

/**
 * POST /api/v1/leads/{leadId}/convert: converts the lead and creates its customer in one
 * transaction, so both streams change or neither does. The customer's events are caused by the
 * lead's conversion (same correlation).
 */
export function convertLeadRoute(app: ServiceApp, ctx: RoutesContext): void {
  app.post(
    '/api/v1/leads/:leadId/convert',
    {
      onRequest: requirePermission('leads:write'),
      schema: {
        operationId: 'convertLead',
        tags: ['leads'],
        summary: 'Convert a qualified lead into a customer',
        params: z.strictObject({ leadId: z.uuid() }),
        headers: writeHeaders,
        body: convertLeadData.omit({ leadId: true, customerId: true }).extend(expectedVersionField),
        response: { 200: z.object({ lead: leadViewSchema, customer: customerViewSchema }), ...commandErrors },
      },
    },
    async (request) => {
      const { expectedVersion: bodyVersion, ...body } = request.body;
      const { leadId } = request.params;
      const customerId = uuidv7();
      return ctx.handleUnit(
        request,
        {
          type: 'lead.convert',
          run: (metadata, expectedVersion) =>
            ctx.store.transaction(ctx.pool, metadata.tenantId, async (client) => {
              const command = { type: 'lead.convert' as const, data: { ...body, leadId, customerId }, metadata };
              const lead = await decideOnStream(
                ctx.store,
                client,
                leadStream,
                { aggregateId: leadId, expectedVersion },
                metadata,
                (state) => convertLead(command, state),
              );
              const converted = lead.envelopes.find((event) => event.type === 'lead.converted');
              const causedBy = { ...metadata, ...(converted && { causationId: converted.id }) };
              const create = {
                type: 'customer.create' as const,
                data: customerFromConversion(lead.state, command.data, uuidv7()),
                metadata: causedBy,
              };
              const customer = await decideOnStream(
                ctx.store,
                client,
                customerStream,
                { aggregateId: customerId },
                causedBy,
                (state) => createCustomer(create, state),
              );
              return {
                lead: leadView(lead.state, leadId, lead.version),
                customer: customerView(customer.state, customerId, customer.version),
              };
            }),
        },
        bodyVersion,
      );
    },
  );
}
