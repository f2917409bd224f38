import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { currency, moneyAmount, percentScore, personalEmail, personName, phoneNumber } from './values.ts';

const tier = z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
const optionalText = (max: number) => z.string().trim().min(1).max(max).nullable();

const profile = z.object({
  email: personalEmail,
  firstName: personName.nullable(),
  lastName: personName.nullable(),
  phone: phoneNumber.nullable(),
  companyName: optionalText(200),
  industry: optionalText(100),
  annualRevenue: moneyAmount.nullable(),
});

const preferences = z.object({
  email: z.boolean(),
  sms: z.boolean(),
  phone: z.boolean(),
  marketing: z.boolean(),
});

const exampleProfile = {
  email: 'john.doe@example.com',
  firstName: 'John',
  lastName: 'Doe',
  phone: null,
  companyName: 'Example Corp',
  industry: 'Software',
  annualRevenue: '1000000.00',
};

// The customer's id is the envelope's aggregateId.
export const customerCreated = defineEvent({
  type: 'customer.created',
  aggregateType: 'customer',
  description: 'A customer was created, from a converted lead or directly.',
  data: z.object({
    profile,
    /** The lead it was converted from; null when created directly. */
    leadId: z.uuid().nullable(),
    /** Every amount of this customer is in this currency. */
    currency,
    preferences,
    /** Recency of a customer without purchases is counted from here. */
    createdAt: z.iso.datetime(),
  }),
  example: {
    createdAt: '2025-03-01T10:00:00.000Z',
    profile: exampleProfile,
    leadId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a1',
    currency: 'USD',
    preferences: { email: true, sms: false, phone: false, marketing: true },
  },
});

export const customerProfileUpdated = defineEvent({
  type: 'customer.profile_updated',
  aggregateType: 'customer',
  description: "A customer's profile was replaced (the whole profile after the change).",
  data: z.object({ profile }),
  example: { profile: exampleProfile },
});

export const customerPreferencesUpdated = defineEvent({
  type: 'customer.preferences_updated',
  aggregateType: 'customer',
  description: "A customer's communication preferences changed.",
  data: z.object({ preferences }),
  example: { preferences: { email: true, sms: true, phone: false, marketing: false } },
});

export const customerPurchaseRecorded = defineEvent({
  type: 'customer.purchase_recorded',
  aggregateType: 'customer',
  description: 'A customer bought something; the totals are those after this purchase.',
  data: z.object({
    orderId: z.uuid(),
    orderValue: moneyAmount,
    currency,
    purchasedAt: z.iso.datetime(),
    totalRevenue: moneyAmount,
    purchaseCount: z.number().int().min(1),
  }),
  example: {
    orderId: '0192f5a3-9d2e-7c4b-8a11-5e6f708192a7',
    orderValue: '2500.00',
    currency: 'USD',
    purchasedAt: '2025-03-03T09:00:00.000Z',
    totalRevenue: '7500.00',
    purchaseCount: 2,
  },
});

export const customerTierUpgraded = defineEvent({
  type: 'customer.tier_upgraded',
  aggregateType: 'customer',
  description: "A customer's total revenue crossed a tier threshold.",
  data: z.object({ previousTier: tier, newTier: tier, totalRevenue: moneyAmount, currency }),
  example: { previousTier: 'SILVER', newTier: 'GOLD', totalRevenue: '10500.00', currency: 'USD' },
});

export const customerChurnRiskUpdated = defineEvent({
  type: 'customer.churn_risk_updated',
  aggregateType: 'customer',
  description: "A customer's churn risk (0-100, from recency, frequency and value) changed.",
  data: z.object({
    previousChurnRisk: percentScore,
    newChurnRisk: percentScore,
    factors: z.object({ recency: percentScore, frequency: percentScore, value: percentScore }),
    assessedAt: z.iso.datetime(),
  }),
  example: {
    previousChurnRisk: 20,
    newChurnRisk: 85,
    factors: { recency: 100, frequency: 80, value: 50 },
    assessedAt: '2025-06-01T00:00:00.000Z',
  },
});
