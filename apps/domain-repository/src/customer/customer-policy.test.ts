import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '@bizosaas/ddd-kernel';
import { customerDecider } from './customer-decider.ts';
import type { CustomerState } from './customer.ts';
import { assessChurnRisk, TIER_RANK, TIER_THRESHOLDS, tierFor } from './customer-policy.ts';

const amount = fc
  .integer({ min: 0, max: 10_000_000 })
  .map((cents) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
const start = Date.parse('2025-01-01T00:00:00.000Z');
const DAY = 86_400_000;

describe('customer policy', () => {
  it('tiers follow the thresholds table', () => {
    expect(tierFor(Money.of('999.99', 'USD'))).toBe('BRONZE');
    expect(tierFor(Money.of('1000', 'USD'))).toBe('SILVER');
    expect(tierFor(Money.of('10000.00', 'USD'))).toBe('GOLD');
    expect(tierFor(Money.of('50000.01', 'USD'))).toBe('PLATINUM');
    expect(TIER_THRESHOLDS.map((t) => t.tier)).toEqual(['PLATINUM', 'GOLD', 'SILVER', 'BRONZE']);
  });

  it('churn risk stays within 0-100 and never falls as time passes without purchases', () =>
    fc.assert(
      fc.property(fc.nat(20), amount, fc.nat(1000), fc.nat(1000), (purchaseCount, totalRevenue, d1, d2) => {
        const input = { lastActivityAt: new Date(start).toISOString(), purchaseCount, totalRevenue };
        const earlier = assessChurnRisk(input, new Date(start + Math.min(d1, d2) * DAY));
        const later = assessChurnRisk(input, new Date(start + Math.max(d1, d2) * DAY));
        for (const a of [earlier, later]) {
          expect(a.risk).toBeGreaterThanOrEqual(0);
          expect(a.risk).toBeLessThanOrEqual(100);
        }
        expect(later.risk).toBeGreaterThanOrEqual(earlier.risk);
      }),
    ));

  it('any purchase sequence: total is the exact sum, tier matches it and never goes down', () =>
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 15 }), (values) => {
        const customerId = '0192f5a3-9d2e-7c4b-8a11-000000000020';
        const metadata = {
          now: new Date(start),
          tenantId: customerId,
          actor: { type: 'user' as const, id: customerId },
        };
        const profile = {
          email: 'a@example.com',
          firstName: null,
          lastName: null,
          phone: null,
          companyName: null,
          industry: null,
          annualRevenue: null,
        };
        let state: CustomerState = customerDecider.initialState();
        const apply = (command: Parameters<typeof customerDecider.decide>[0]) => {
          state = customerDecider.decide(command, state).reduce(customerDecider.evolve, state);
        };
        apply({
          type: 'customer.create',
          data: {
            customerId,
            profile,
            currency: 'USD',
            preferences: { email: true, sms: false, phone: false, marketing: false },
            conversion: null,
          },
          metadata,
        });
        let rank = 0;
        values.forEach((orderValue, i) => {
          apply({
            type: 'customer.record_purchase',
            data: {
              customerId,
              orderId: `0192f5a3-9d2e-7c4b-8a11-${String(i).padStart(12, '0')}`,
              orderValue,
              currency: 'USD',
            },
            metadata,
          });
          if (state.status === 'none') throw new Error('customer missing');
          expect(TIER_RANK[state.tier]).toBeGreaterThanOrEqual(rank);
          rank = TIER_RANK[state.tier];
        });
        if (state.status === 'none') throw new Error('customer missing');
        const expected = values.reduce((total, v) => Money.add(total, Money.of(v, 'USD')), Money.of('0', 'USD'));
        expect(state.totalRevenue).toBe(Money.round(expected, 2).amount);
        expect(state.tier).toBe(tierFor(expected));
        expect(state.purchaseCount).toBe(values.length);
      }),
    ));
});
