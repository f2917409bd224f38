import { z } from 'zod';
import type { CustomerEvent, CustomerState } from '../customer.ts';
import { evolveCustomer } from '../customer.ts';
import type { CustomerCommand } from '../customer-rules.ts';
import { CommunicationPreferences, CustomerProfile, currencyCode, decimalAmount } from '../customer-values.ts';
import { purchaseEvents } from '../record-purchase/record-purchase.ts';

export const createCustomerData = z.strictObject({
  customerId: z.uuid(),
  profile: CustomerProfile.schema,
  currency: currencyCode.default('USD'),
  preferences: CommunicationPreferences.default({ email: true, sms: false, phone: false, marketing: false }),
  /** Set when converted from a lead: its conversion value is the customer's first purchase. */
  conversion: z
    .strictObject({ leadId: z.uuid(), orderId: z.uuid(), conversionValue: decimalAmount })
    .nullable()
    .default(null),
});
export type CreateCustomer = CustomerCommand<'customer.create', z.output<typeof createCustomerData>>;

/** Created once (a repeat changes nothing); a conversion value above zero is recorded as a purchase. */
export function createCustomer(command: CreateCustomer, state: CustomerState): CustomerEvent[] {
  if (state.status !== 'none') return [];
  const { profile, currency, preferences, conversion } = command.data;
  const createdAt = command.metadata.now.toISOString();
  const created: CustomerEvent = {
    type: 'customer.created',
    data: {
      profile: { ...CustomerProfile.create(profile, { path: 'profile' }) },
      leadId: conversion?.leadId ?? null,
      currency,
      preferences,
      createdAt,
    },
  };
  if (!conversion || Number(conversion.conversionValue) === 0) return [created];
  const customer = evolveCustomer(state, created);
  if (customer.status === 'none') return [created];
  const purchase = {
    orderId: conversion.orderId,
    orderValue: conversion.conversionValue,
    currency,
    purchasedAt: createdAt,
  };
  return [created, ...purchaseEvents(customer, purchase, command.metadata.now)];
}
