import type { EventData } from '@bizosaas/event-schemas';
import type { CommunicationPreferences, CustomerProfile, CustomerTier } from './customer-values.ts';

type Of<T extends CustomerEventType> = { readonly type: T; readonly data: EventData<T> };
export type CustomerEventType =
  | 'customer.created'
  | 'customer.profile_updated'
  | 'customer.preferences_updated'
  | 'customer.purchase_recorded'
  | 'customer.tier_upgraded'
  | 'customer.churn_risk_updated';
export type CustomerEvent = { [T in CustomerEventType]: Of<T> }[CustomerEventType];

export interface Customer {
  readonly status: 'active';
  readonly profile: CustomerProfile;
  readonly preferences: CommunicationPreferences;
  readonly leadId: string | null;
  readonly currency: string;
  readonly createdAt: string;
  readonly tier: CustomerTier;
  /** Decimal string; sums of every purchase (exact, via Money). */
  readonly totalRevenue: string;
  readonly purchaseCount: number;
  readonly firstPurchaseAt: string | null;
  readonly lastPurchaseAt: string | null;
  /** Orders already recorded: recording one again changes nothing. */
  readonly orderIds: readonly string[];
  readonly churnRisk: number;
  readonly churnAssessedAt: string | null;
}

export type CustomerState = { readonly status: 'none' } | Customer;

export const initialCustomerState = (): CustomerState => ({ status: 'none' });

export function evolveCustomer(state: CustomerState, event: CustomerEvent): CustomerState {
  if (event.type === 'customer.created') {
    const { profile, preferences, leadId, currency, createdAt } = event.data;
    return {
      status: 'active',
      profile,
      preferences,
      leadId,
      currency,
      createdAt,
      tier: 'BRONZE',
      totalRevenue: '0.00',
      purchaseCount: 0,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      orderIds: [],
      churnRisk: 0,
      churnAssessedAt: null,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'customer.profile_updated':
      return { ...state, profile: event.data.profile };
    case 'customer.preferences_updated':
      return { ...state, preferences: event.data.preferences };
    case 'customer.purchase_recorded':
      return {
        ...state,
        totalRevenue: event.data.totalRevenue,
        purchaseCount: event.data.purchaseCount,
        firstPurchaseAt: state.firstPurchaseAt ?? event.data.purchasedAt,
        lastPurchaseAt: latest(state.lastPurchaseAt, event.data.purchasedAt),
        orderIds: [...state.orderIds, event.data.orderId],
      };
    case 'customer.tier_upgraded':
      return { ...state, tier: event.data.newTier };
    case 'customer.churn_risk_updated':
      return { ...state, churnRisk: event.data.newChurnRisk, churnAssessedAt: event.data.assessedAt };
  }
}

const latest = (a: string | null, b: string) => (a !== null && Date.parse(a) > Date.parse(b) ? a : b);

/** The customer's event stream: what the write path folds and snapshots. */
export const customerStream = {
  aggregateType: 'customer',
  initialState: initialCustomerState,
  evolve: evolveCustomer,
  snapshotSchemaVersion: 1,
} as const;
