import { z } from 'zod';
import { Money } from '@bizosaas/ddd-kernel';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, transitionRefused, type LeadCommand } from '../lead-rules.ts';

export const convertLeadData = z.strictObject({
  leadId: z.uuid(),
  /** The customer to create; chosen by the caller (route) so decide stays free of random ids. */
  customerId: z.uuid(),
  conversionValue: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal string such as "5000.00"'),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
});
export type ConvertLead = LeadCommand<'lead.convert', z.output<typeof convertLeadData>>;

/** Only a qualified lead converts, once; the conversion value is canonical decimal money. */
export function convertLead(command: ConvertLead, state: LeadState): LeadEvent[] {
  const lead = existingLead(state, command);
  const { leadId, customerId, currency } = command.data;
  if (lead.status === 'converted') {
    throw transitionRefused('lead.convert.already_converted', 'Lead is already converted', lead, leadId);
  }
  if (lead.status !== 'qualified') {
    throw transitionRefused('lead.convert.requires_qualified', 'Cannot convert unqualified lead to customer', lead, leadId);
  }
  const value = Money.round(Money.of(command.data.conversionValue, currency), 2);
  return [{ type: 'lead.converted', data: { customerId, conversionValue: value.amount, currency } }];
}
