import { z } from 'zod';
import { defineEvent } from '../define-event.ts';
import { currency, moneyAmount, personalEmail, plan } from './values.ts';

// A tenant's aggregateId is its tenantId.
export const tenantCreated = defineEvent({
  type: 'tenant.created',
  aggregateType: 'tenant',
  description: 'A new tenant organisation was created with its first owner.',
  data: z.object({
    name: z.string().trim().min(1).max(200),
    slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a kebab-case slug'),
    plan,
    ownerUserId: z.uuid(),
    ownerEmail: personalEmail,
  }),
  example: {
    name: 'Acme Corp',
    slug: 'acme-corp',
    plan: 'starter',
    ownerUserId: '0192f5a3-4c1e-7b2a-9f00-3c5d7e9a1b2c',
    ownerEmail: 'owner@acme.example',
  },
});

export const tenantSubscriptionChanged = defineEvent({
  type: 'tenant.subscription_changed',
  aggregateType: 'tenant',
  description: 'The tenant moved to another plan or billing cycle.',
  data: z.object({
    previousPlan: plan,
    newPlan: plan,
    billingCycle: z.enum(['monthly', 'annual']),
    /** Price per billing cycle after the change. */
    price: moneyAmount,
    currency,
    effectiveFrom: z.iso.datetime(),
  }),
  example: {
    previousPlan: 'starter',
    newPlan: 'professional',
    billingCycle: 'monthly',
    price: '199.00',
    currency: 'USD',
    effectiveFrom: '2025-02-01T00:00:00.000Z',
  },
});
