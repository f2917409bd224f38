import { Money } from '@bizosaas/ddd-kernel';
import type { CustomerTier } from './customer-values.ts';

/**
 * Tier thresholds on total revenue (in the customer's currency), highest first. Data, not code:
 * a tenant-specific table can replace it without touching decide.
 */
export const TIER_THRESHOLDS: readonly { tier: CustomerTier; minimumRevenue: string }[] = [
  { tier: 'PLATINUM', minimumRevenue: '50000.00' },
  { tier: 'GOLD', minimumRevenue: '10000.00' },
  { tier: 'SILVER', minimumRevenue: '1000.00' },
  { tier: 'BRONZE', minimumRevenue: '0.00' },
];

export const TIER_RANK: Record<CustomerTier, number> = { BRONZE: 0, SILVER: 1, GOLD: 2, PLATINUM: 3 };

export function tierFor(totalRevenue: Money): CustomerTier {
  const reached = TIER_THRESHOLDS.find(
    (t) => Money.compare(totalRevenue, Money.of(t.minimumRevenue, totalRevenue.currency)) >= 0,
  );
  return reached?.tier ?? 'BRONZE';
}

/**
 * Churn risk model (RFM): each factor is a 0-100 risk, the total their weighted sum, rounded.
 * Recency: days since the last purchase (or since creation) over `recencyHorizonDays`.
 * Frequency: fewer purchases than `frequentPurchases` is riskier. Value: less revenue than
 * `valuableRevenue` is riskier.
 */
export const CHURN_MODEL = {
  weights: { recency: 0.5, frequency: 0.3, value: 0.2 },
  recencyHorizonDays: 180,
  frequentPurchases: 10,
  valuableRevenue: '10000.00',
} as const;

export interface ChurnInput {
  readonly lastActivityAt: string;
  readonly purchaseCount: number;
  readonly totalRevenue: string;
}

export interface ChurnAssessment {
  readonly risk: number;
  readonly factors: { readonly recency: number; readonly frequency: number; readonly value: number };
}

const clamp = (n: number) => Math.min(100, Math.max(0, Math.round(n)));
const DAY_MS = 86_400_000;

/** Pure: the time comes in as `now` (the command's), never from a clock. */
export function assessChurnRisk(input: ChurnInput, now: Date): ChurnAssessment {
  const days = Math.max(0, (now.getTime() - Date.parse(input.lastActivityAt)) / DAY_MS);
  // A ratio for a 0-100 score, not money arithmetic: float precision is irrelevant here.
  const revenueRatio = Number(input.totalRevenue) / Number(CHURN_MODEL.valuableRevenue);
  const factors = {
    recency: clamp((days / CHURN_MODEL.recencyHorizonDays) * 100),
    frequency: clamp(100 - (input.purchaseCount / CHURN_MODEL.frequentPurchases) * 100),
    value: clamp(100 - revenueRatio * 100),
  };
  const { weights } = CHURN_MODEL;
  const risk = clamp(
    factors.recency * weights.recency + factors.frequency * weights.frequency + factors.value * weights.value,
  );
  return { risk, factors };
}
