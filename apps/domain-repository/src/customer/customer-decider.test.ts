import { describe, expect, it } from 'vitest';
import {
  BusinessRuleViolation,
  deciderSpec,
  TenantIsolationError,
  ValidationError,
  type CommandMetadata,
} from '@bizosaas/ddd-kernel';
import { customerDecider, type CustomerCommandUnion } from './customer-decider.ts';
import type { CustomerEvent } from './customer.ts';

const customerId = '0192f5a3-9d2e-7c4b-8a11-000000000010';
const leadId = '0192f5a3-9d2e-7c4b-8a11-000000000011';
const orderId = '0192f5a3-9d2e-7c4b-8a11-000000000012';
const order2 = '0192f5a3-9d2e-7c4b-8a11-000000000013';
const tenantId = '0192f5a3-9d2e-7c4b-8a11-000000000014';
const createdAt = '2025-03-01T10:00:00.000Z';
const at = (iso: string): CommandMetadata => ({ now: new Date(iso), tenantId, actor: { type: 'user', id: leadId } });
const metadata = at(createdAt);
const profile = {
  email: 'john.doe@example.com',
  firstName: 'John',
  lastName: 'Doe',
  phone: null,
  companyName: 'Example Corp',
  industry: null,
  annualRevenue: null,
};
const preferences = { email: true, sms: false, phone: false, marketing: false };
const { givenEvents } = deciderSpec(customerDecider);
const cmd = <C extends CustomerCommandUnion>(type: C['type'], data: Omit<C['data'], 'customerId'>, meta = metadata) =>
  ({ type, data: { customerId, ...data }, metadata: meta }) as C;

const created: CustomerEvent = {
  type: 'customer.created',
  data: { profile, leadId: null, currency: 'USD', preferences, createdAt },
};
const purchase = (
  id: string,
  orderValue: string,
  totalRevenue: string,
  purchaseCount: number,
  purchasedAt = createdAt,
): CustomerEvent => ({
  type: 'customer.purchase_recorded',
  data: { orderId: id, orderValue, currency: 'USD', purchasedAt, totalRevenue, purchaseCount },
});
const churn = (
  previousChurnRisk: number,
  newChurnRisk: number,
  factors: { recency: number; frequency: number; value: number },
  assessedAt = createdAt,
): CustomerEvent => ({
  type: 'customer.churn_risk_updated',
  data: { previousChurnRisk, newChurnRisk, factors, assessedAt },
});

describe('customer decider: creation', () => {
  it('creates a customer directly', () =>
    givenEvents()
      .when(cmd('customer.create', { profile, currency: 'USD', preferences, conversion: null }))
      .then([created]));
  it('creates from a lead conversion, recording the value as the first purchase with tier and churn risk', () =>
    givenEvents()
      .when(
        cmd('customer.create', {
          profile,
          currency: 'USD',
          preferences,
          conversion: { leadId, orderId, conversionValue: '5000' },
        }),
      )
      .then([
        { ...created, data: { ...created.data, leadId } },
        purchase(orderId, '5000.00', '5000.00', 1),
        {
          type: 'customer.tier_upgraded',
          data: { previousTier: 'BRONZE', newTier: 'SILVER', totalRevenue: '5000.00', currency: 'USD' },
        },
        // recency 0, frequency 90, value 50: 0.3 * 90 + 0.2 * 50 = 37
        churn(0, 37, { recency: 0, frequency: 90, value: 50 }),
      ]));
  it('a repeated create changes nothing', () =>
    givenEvents(created)
      .when(cmd('customer.create', { profile, currency: 'USD', preferences, conversion: null }))
      .thenNothingHappened());
  it('refuses an invalid e-mail', () =>
    givenEvents()
      .when(
        cmd('customer.create', {
          profile: { ...profile, email: 'nope' },
          currency: 'USD',
          preferences,
          conversion: null,
        }),
      )
      .thenThrows(ValidationError));
});

describe('customer decider: purchases and tiers', () => {
  const afterFirst = [
    created,
    purchase(orderId, '900.00', '900.00', 1),
    churn(0, 45, { recency: 0, frequency: 90, value: 91 }),
  ];
  it('sums exactly, upgrades the tier when a threshold is crossed and re-assesses churn', () =>
    givenEvents(...afterFirst)
      .when(cmd('customer.record_purchase', { orderId: order2, orderValue: '9100.10', currency: 'USD' }))
      .then([
        purchase(order2, '9100.10', '10000.10', 2),
        {
          type: 'customer.tier_upgraded',
          data: { previousTier: 'BRONZE', newTier: 'GOLD', totalRevenue: '10000.10', currency: 'USD' },
        },
        churn(45, 24, { recency: 0, frequency: 80, value: 0 }),
      ]));
  it('recording the same order again changes nothing', () =>
    givenEvents(...afterFirst)
      .when(cmd('customer.record_purchase', { orderId, orderValue: '900.00', currency: 'USD' }))
      .thenNothingHappened());
  it('refuses another currency', () =>
    givenEvents(created)
      .when(cmd('customer.record_purchase', { orderId, orderValue: '1.00', currency: 'EUR' }))
      .thenThrows(BusinessRuleViolation));
  it('answers 404 for a customer that does not exist', () =>
    givenEvents()
      .when(cmd('customer.record_purchase', { orderId, orderValue: '1.00', currency: 'USD' }))
      .then(new TenantIsolationError(tenantId)));
});

describe('customer decider: profile, preferences, churn', () => {
  it('updates the profile', () =>
    givenEvents(created)
      .when(
        cmd('customer.update_profile', {
          profile: { ...profile, companyName: 'Updated Corp', annualRevenue: '1000000' },
        }),
      )
      .then([
        {
          type: 'customer.profile_updated',
          data: { profile: { ...profile, companyName: 'Updated Corp', annualRevenue: '1000000' } },
        },
      ]));
  it('the same profile again changes nothing', () =>
    givenEvents(created).when(cmd('customer.update_profile', { profile })).thenNothingHappened());
  it('updates communication preferences', () =>
    givenEvents(created)
      .when(cmd('customer.update_preferences', { preferences: { ...preferences, sms: true } }))
      .then([{ type: 'customer.preferences_updated', data: { preferences: { ...preferences, sms: true } } }]));
  it('churn risk grows with time without purchases, with the time from the command', () =>
    givenEvents(created)
      .when(cmd('customer.assess_churn_risk', {}, at('2025-08-28T10:00:00.000Z')))
      .then([churn(0, 100, { recency: 100, frequency: 100, value: 100 }, '2025-08-28T10:00:00.000Z')]));
  it('an unchanged risk emits nothing', () =>
    givenEvents(created, churn(0, 50, { recency: 0, frequency: 100, value: 100 }))
      .when(cmd('customer.assess_churn_risk', {}))
      .thenNothingHappened());
  it('folds metrics', () => {
    const state = [created, purchase(orderId, '10.00', '10.00', 1, '2025-03-02T00:00:00.000Z')].reduce(
      customerDecider.evolve,
      customerDecider.initialState(),
    );
    expect(state).toMatchObject({
      totalRevenue: '10.00',
      purchaseCount: 1,
      lastPurchaseAt: '2025-03-02T00:00:00.000Z',
      tier: 'BRONZE',
    });
  });
});
