import { z } from 'zod';
import type { CustomerState } from './customer.ts';
import { CustomerTier } from './customer-values.ts';

export const customerViewSchema = z.object({
  id: z.uuid(),
  version: z.number().int(),
  profile: z.object({
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    companyName: z.string().nullable(),
    industry: z.string().nullable(),
    annualRevenue: z.string().nullable(),
  }),
  preferences: z.object({ email: z.boolean(), sms: z.boolean(), phone: z.boolean(), marketing: z.boolean() }),
  leadId: z.uuid().nullable(),
  currency: z.string(),
  tier: CustomerTier,
  metrics: z.object({
    totalRevenue: z.string().describe('decimal string'),
    purchaseCount: z.number().int(),
    averageOrderValue: z.string().describe('decimal string'),
    firstPurchaseAt: z.string().nullable(),
    lastPurchaseAt: z.string().nullable(),
  }),
  churnRisk: z.number().int(),
  churnAssessedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type CustomerView = z.infer<typeof customerViewSchema>;

export function customerView(state: CustomerState, id: string, version: number): CustomerView {
  if (state.status === 'none') throw new Error('customerView of a customer that does not exist');
  const { totalRevenue, purchaseCount, firstPurchaseAt, lastPurchaseAt } = state;
  return {
    id,
    version,
    profile: state.profile,
    preferences: state.preferences,
    leadId: state.leadId,
    currency: state.currency,
    tier: state.tier,
    churnRisk: state.churnRisk,
    churnAssessedAt: state.churnAssessedAt,
    createdAt: state.createdAt,
    metrics: {
      totalRevenue,
      purchaseCount,
      averageOrderValue: averageOf(totalRevenue, purchaseCount),
      firstPurchaseAt,
      lastPurchaseAt,
    },
  };
}

/** Exact: integer cents divided with half-up rounding (BigInt), never a float. */
function averageOf(total: string, count: number): string {
  if (count === 0) return '0.00';
  const [units = '0', fraction = ''] = total.split('.');
  const cents = BigInt(units) * 100n + BigInt((fraction + '00').slice(0, 2));
  const avg = (cents * 2n + BigInt(count)) / (2n * BigInt(count));
  return `${avg / 100n}.${String(avg % 100n).padStart(2, '0')}`;
}
