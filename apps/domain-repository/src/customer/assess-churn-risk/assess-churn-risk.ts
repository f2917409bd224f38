import { z } from 'zod';
import type { CustomerEvent, CustomerState } from '../customer.ts';
import { assessChurnRisk as assess } from '../customer-policy.ts';
import { existingCustomer, type CustomerCommand } from '../customer-rules.ts';

export const assessChurnRiskData = z.strictObject({ customerId: z.uuid() });
export type AssessChurnRisk = CustomerCommand<'customer.assess_churn_risk', z.output<typeof assessChurnRiskData>>;

/** Re-assesses at the command's time; an event only when the risk changed. */
export function assessChurnRisk(command: AssessChurnRisk, state: CustomerState): CustomerEvent[] {
  const customer = existingCustomer(state, command);
  const now = command.metadata.now;
  const { risk, factors } = assess(
    {
      lastActivityAt: customer.lastPurchaseAt ?? customer.createdAt,
      purchaseCount: customer.purchaseCount,
      totalRevenue: customer.totalRevenue,
    },
    now,
  );
  if (risk === customer.churnRisk) return [];
  return [
    {
      type: 'customer.churn_risk_updated',
      data: { previousChurnRisk: customer.churnRisk, newChurnRisk: risk, factors, assessedAt: now.toISOString() },
    },
  ];
}
