import { z } from 'zod';
import { defineCommand } from '@bizosaas/cqrs';
import type { Command } from '@bizosaas/ddd-kernel';
import { uuidv7 } from '@bizosaas/event-schemas';
import { customerAggregate } from '../../customer/customer-decider.ts';
import { customerView } from '../../customer/customer-view.ts';
import type { CommandContext } from '../../write-side/aggregate-command.ts';
import { runAggregate } from '../../write-side/run-aggregate.ts';
import { leadAggregate } from '../lead-decider.ts';
import { leadView } from '../lead-view.ts';
import { convertLeadData } from './convert-lead.ts';

export const convertCommandData = convertLeadData.omit({ customerId: true }).extend({ expectedVersion: z.number().int().min(0).optional() });

/**
 * Converts the lead and creates its customer in one transaction: both streams change or
 * neither does. The customer's profile comes from the lead's contact; the conversion value is
 * its first purchase.
 */
export function convertLeadCommand(ctx: CommandContext) {
  return defineCommand({
    type: 'lead.convert',
    schema: convertCommandData,
    retryOnConcurrency: true,
    handle: async ({ data, metadata }: Command<'lead.convert', z.output<typeof convertCommandData>>) => {
      const { expectedVersion, ...rest } = data;
      const customerId = uuidv7();
      return ctx.store.transaction(ctx.pool, metadata.tenantId!, async (client) => {
        const lead = await runAggregate(ctx.store, client, leadAggregate, {
          aggregateId: data.leadId,
          command: { type: 'lead.convert', data: { ...rest, customerId }, metadata },
          ...(expectedVersion !== undefined && { expectedVersion }),
        });
        if (lead.state.status === 'none') throw new Error('converted lead missing');
        const { contact } = lead.state;
        // The customer's events are caused by the lead's conversion (same correlation).
        const converted = lead.envelopes.find((event) => event.type === 'lead.converted');
        const customer = await runAggregate(ctx.store, client, customerAggregate, {
          aggregateId: customerId,
          command: {
            type: 'customer.create',
            metadata: { ...metadata, ...(converted && { causationId: converted.id }) },
            data: {
              customerId,
              currency: rest.currency,
              preferences: { email: true, sms: false, phone: false, marketing: false },
              profile: { email: contact.email, firstName: contact.firstName, lastName: contact.lastName, phone: contact.phone, companyName: contact.company, industry: null, annualRevenue: null },
              conversion: { leadId: data.leadId, orderId: uuidv7(), conversionValue: rest.conversionValue },
            },
          },
        });
        return { lead: leadView(lead.state, data.leadId, lead.version), customer: customerView(customer.state, customerId, customer.version) };
      });
    },
  });
}
