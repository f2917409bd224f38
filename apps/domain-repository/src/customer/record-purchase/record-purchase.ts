import { z } from 'zod';
import { BusinessRuleViolation, Money } from '@bizosaas/ddd-kernel';
import type { Customer, CustomerEvent, CustomerState } from '../customer.ts';
import { assessChurnRisk, TIER_RANK, tierFor } from '../customer-policy.ts';
import { existingCustomer, type CustomerCommand } from '../customer-rules.ts';
import { currencyCode, decimalAmount } from '../customer-values.ts';

export const recordPurchaseData = z.strictObject({
  customerId: z.uuid(),
  orderId: z.uuid(),
  orderValue: decimalAmount,
  currency: currencyCode,
  /** Default: the command's time. */
  purchasedAt: z.iso.datetime().optional(),
});
export type RecordPurchase = CustomerCommand<'customer.record_purchase', z.output<typeof recordPurchaseData>>;

export function recordPurchase(command: RecordPurchase, state: CustomerState): CustomerEvent[] {
  const customer = existingCustomer(state, command);
  if (customer.orderIds.includes(command.data.orderId)) return []; // the same order again
  return purchaseEvents(
    customer,
    { ...command.data, purchasedAt: command.data.purchasedAt ?? command.metadata.now.toISOString() },
    command.metadata.now,
  );
}

/**
 * The purchase, then what it causes: a tier upgrade when the new total crosses a threshold
 * (never a downgrade), and the churn risk re-assessed at `now` when it changes.
 */
export function purchaseEvents(
  customer: Customer,
  purchase: { orderId: string; orderValue: string; currency: string; purchasedAt: string },
  now: Date,
): CustomerEvent[] {
  if (purchase.currency !== customer.currency) {
    throw new BusinessRuleViolation(
      'customer.purchase.same_currency',
      `Purchases of this customer are in ${customer.currency}`,
      {
        currency: purchase.currency,
        customerCurrency: customer.currency,
      },
    );
  }
  const orderValue = Money.round(Money.of(purchase.orderValue, purchase.currency), 2);
  const total = Money.add(Money.of(customer.totalRevenue, customer.currency), orderValue);
  const purchaseCount = customer.purchaseCount + 1;
  const events: CustomerEvent[] = [
    {
      type: 'customer.purchase_recorded',
      data: {
        orderId: purchase.orderId,
        orderValue: orderValue.amount,
        currency: purchase.currency,
        purchasedAt: purchase.purchasedAt,
        totalRevenue: total.amount,
        purchaseCount,
      },
    },
  ];
  const tier = tierFor(total);
  if (TIER_RANK[tier] > TIER_RANK[customer.tier]) {
    events.push({
      type: 'customer.tier_upgraded',
      data: { previousTier: customer.tier, newTier: tier, totalRevenue: total.amount, currency: customer.currency },
    });
  }
  const lastActivityAt =
    customer.lastPurchaseAt && Date.parse(customer.lastPurchaseAt) > Date.parse(purchase.purchasedAt)
      ? customer.lastPurchaseAt
      : purchase.purchasedAt;
  const assessment = assessChurnRisk({ lastActivityAt, purchaseCount, totalRevenue: total.amount }, now);
  if (assessment.risk !== customer.churnRisk) {
    events.push({
      type: 'customer.churn_risk_updated',
      data: {
        previousChurnRisk: customer.churnRisk,
        newChurnRisk: assessment.risk,
        factors: assessment.factors,
        assessedAt: now.toISOString(),
      },
    });
  }
  return events;
}
