import { z } from 'zod';
import { Money } from '@bizosaas/ddd-kernel';
import type { CreateCustomer } from '../../customer/create-customer/create-customer.ts';
import type { LeadEvent, LeadState } from '../lead.ts';
import { existingLead, transitionRefused, type LeadCommand } from '../lead-rules.ts';

export const convertLeadData = z.strictObject({
  leadId: z.uuid(),
  /** The customer to create; chosen by the caller (route) so decide stays free of random ids. */
  customerId: z.uuid(),
  conversionValue: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/, 'must be a decimal string such as "5000.00"'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
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
    throw transitionRefused(
      'lead.convert.requires_qualified',
      'Cannot convert unqualified lead to customer',
      lead,
      leadId,
    );
  }
  const value = Money.round(Money.of(command.data.conversionValue, currency), 2);
  return [{ type: 'lead.converted', data: { customerId, conversionValue: value.amount, currency } }];
}

/**
 * The customer a conversion creates: its profile from the lead's contact, the conversion value
 * as its first purchase (`orderId` made by the caller, so this stays free of random ids).
 */
export function customerFromConversion(
  lead: LeadState,
  conversion: ConvertLead['data'],
  orderId: string,
): CreateCustomer['data'] {
  if (lead.status === 'none') throw new Error('a converted lead has a contact');
  const { contact } = lead;
  return {
    customerId: conversion.customerId,
    currency: conversion.currency,
    preferences: { email: true, sms: false, phone: false, marketing: false },
    profile: {
      email: contact.email,
      firstName: contact.firstName,
      lastName: contact.lastName,
      phone: contact.phone,
      companyName: contact.company,
      industry: null,
      annualRevenue: null,
    },
    conversion: { leadId: conversion.leadId, orderId, conversionValue: conversion.conversionValue },
  };
}
