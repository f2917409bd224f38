import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, Money } from '@bizosaas/ddd-kernel';
import { customerDecider, type CustomerCommandUnion } from './customer-decider.ts';
import { customerStream, type CustomerEvent, type CustomerState } from './customer.ts';
import { readBack, snapshotRoundTrip } from '../write-side/stored-round-trip.ts';
import { TIER_RANK, tierFor } from './customer-policy.ts';

const customerId = '0192f5a3-9d2e-7c4b-8a11-000000000020';
const tenantId = '0192f5a3-9d2e-7c4b-8a11-000000000021';
const base = Date.parse('2025-03-01T00:00:00.000Z');
const day = 86_400_000;
const orderIds = Array.from({ length: 6 }, (_, i) => `0192f5a3-9d2e-7c4b-8a11-00000000003${i}`);
const profile = {
  email: 'p@example.com',
  firstName: null,
  lastName: null,
  phone: null,
  companyName: null,
  industry: null,
  annualRevenue: null,
};
const preferences = { email: true, sms: false, phone: false, marketing: false };
const amount = fc
  .tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 9999 }))
  .map(([units, frac]) => `${units}.${String(frac).padStart(4, '0')}`);

/** Any command the API can send (repeated orders, other currencies), at any time over two years. */
const command: fc.Arbitrary<CustomerCommandUnion> = fc
  .tuple(
    fc.oneof(
      fc.constant({ type: 'customer.create', data: { profile, currency: 'USD', preferences, conversion: null } }),
      fc
        .constantFrom('Ann', 'Bo')
        .map((firstName) => ({ type: 'customer.update_profile', data: { profile: { ...profile, firstName } } })),
      fc.boolean().map((marketing) => ({
        type: 'customer.update_preferences',
        data: { preferences: { ...preferences, marketing } },
      })),
      fc
        .tuple(fc.constantFrom(...orderIds), amount, fc.constantFrom('USD', 'USD', 'EUR'))
        .map(([orderId, orderValue, currency]) => ({
          type: 'customer.record_purchase',
          data: { orderId, orderValue, currency },
        })),
      fc.constant({ type: 'customer.assess_churn_risk', data: {} }),
    ),
    fc.integer({ min: 0, max: 730 }),
  )
  .map(
    ([c, days]) =>
      ({
        type: c.type,
        data: { customerId, ...c.data },
        metadata: { now: new Date(base + days * day), tenantId, actor: { type: 'user', id: tenantId } },
      }) as CustomerCommandUnion,
  );

/** Runs the commands in order; refused ones store nothing, as over the API. */
function run(sequence: CustomerCommandUnion[]) {
  let state: CustomerState = customerDecider.initialState();
  const events: CustomerEvent[] = [];
  for (const c of sequence) {
    try {
      const emitted = customerDecider.decide(c, state);
      events.push(...emitted);
      state = emitted.reduce(customerDecider.evolve, state);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return { state, events };
}

describe('customer invariants (any command sequence)', () => {
  const sequences = fc.array(command, { maxLength: 40 });

  it('revenue is the exact decimal sum of distinct orders; tier follows it and never goes down; risk stays 0-100', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { state, events } = run(sequence);
        if (state.status === 'none') {
          expect(events).toEqual([]);
          return;
        }
        const purchases = events.filter((e) => e.type === 'customer.purchase_recorded');
        expect(new Set(purchases.map((p) => p.data.orderId)).size).toBe(purchases.length);
        const sum = purchases.reduce(
          (total, p) => Money.add(total, Money.of(p.data.orderValue, 'USD')),
          Money.of('0', 'USD'),
        );
        expect(Money.compare(Money.of(state.totalRevenue, 'USD'), sum)).toBe(0);
        expect(state.purchaseCount).toBe(purchases.length);
        expect(state.tier).toBe(tierFor(Money.of(state.totalRevenue, 'USD')));
        let rank = 0;
        for (const e of events) {
          if (e.type !== 'customer.tier_upgraded') continue;
          expect(TIER_RANK[e.data.newTier]).toBeGreaterThan(rank);
          rank = TIER_RANK[e.data.newTier];
        }
        for (const e of events)
          if (e.type === 'customer.churn_risk_updated') expect(e.data.newChurnRisk).toBeGreaterThanOrEqual(0);
        expect(state.churnRisk).toBeLessThanOrEqual(100);
      }),
    ));

  it('a stream starts with its only customer.created', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { events } = run(sequence);
        expect(events.filter((e) => e.type === 'customer.created').length).toBeLessThanOrEqual(1);
        if (events.length > 0) expect(events[0]!.type).toBe('customer.created');
      }),
    ));

  it('the events read back from the store (JSON, parsed and upcast by their schemas) are the events decided', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { events } = run(sequence);
        expect(readBack(events, new Date(base), customerId)).toStrictEqual(events);
      }),
    ));

  it('a snapshot of any state reached loads back as that state', () =>
    fc.assert(
      fc.property(sequences, (sequence) => {
        const { state } = run(sequence);
        expect(snapshotRoundTrip(customerStream, state)).toStrictEqual(state);
      }),
    ));
});
