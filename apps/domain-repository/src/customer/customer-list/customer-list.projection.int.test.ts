import type { EventData } from '@bizosaas/event-schemas';
import { projectionSpec, type ProjectionSpec } from '@bizosaas/event-store/testing';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { streamOf } from '../../write-side/stored-round-trip.ts';
import type { CustomerEvent } from '../customer.ts';
import { customerListProjection } from './customer-list.projection.ts';

const tenantId = '0192f5a3-9d2e-7c4b-8a11-0000000000b1';
const ids = [
  '0192f5a3-9d2e-7c4b-8a11-0000000000b2',
  '0192f5a3-9d2e-7c4b-8a11-0000000000b3',
  '0192f5a3-9d2e-7c4b-8a11-0000000000b4',
] as const;
const [first, second, third] = ids;
const orderIds = ['0192f5a3-9d2e-7c4b-8a11-0000000000c1', '0192f5a3-9d2e-7c4b-8a11-0000000000c2'] as const;
const at = (day: number) => `2025-03-${String(day).padStart(2, '0')}T09:00:00.000Z`;
const byId = { orderBy: 'customer_id' };

const profile = {
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: null,
  phone: null,
  companyName: 'Analytical Ltd',
  industry: null,
  annualRevenue: null,
};
const preferences = { email: true, sms: false, phone: false, marketing: false };
const created: CustomerEvent = {
  type: 'customer.created',
  data: { profile, leadId: null, currency: 'EUR', preferences, createdAt: at(1) },
};
const purchase = (
  orderId: string,
  purchasedAt: string,
  orderValue: string,
  totalRevenue: string,
  purchaseCount: number,
): CustomerEvent => ({
  type: 'customer.purchase_recorded',
  data: { orderId, orderValue, currency: 'EUR', purchasedAt, totalRevenue, purchaseCount },
});
const risk = (previousChurnRisk: number, newChurnRisk: number): CustomerEvent => {
  const data: EventData<'customer.churn_risk_updated'> = {
    previousChurnRisk,
    newChurnRisk,
    factors: { recency: 50, frequency: 90, value: 100 },
    assessedAt: at(20),
  };
  return { type: 'customer.churn_risk_updated', data };
};

let spec: ProjectionSpec;
beforeAll(async () => {
  spec = await projectionSpec(customerListProjection, {
    ownerDatabaseUrl: inject('ownerDatabaseUrl'),
    workerDatabaseUrl: inject('workerDatabaseUrl'),
    label: 'customer_list',
  });
});
afterAll(() => spec.drop());

describe('customer_list projection', () => {
  it('customer.created inserts a BRONZE customer with no purchases and no risk yet', async () => {
    const then = await spec.given().when(streamOf(first, tenantId)(created, at(1)));
    expect(await then.rows('customer_list', byId)).toEqual([
      {
        customer_id: first,
        tenant_id: tenantId,
        email: 'ada@example.com',
        company_name: 'Analytical Ltd',
        currency: 'EUR',
        tier: 'BRONZE',
        total_revenue: '0.0000',
        purchase_count: 0,
        last_purchase_at: null,
        churn_risk: 0,
        version: 1,
        updated_at: new Date(at(1)),
      },
    ]);
  });

  it('purchases, tier upgrades, risk and profile changes update the row; the last purchase never moves back', async () => {
    const c = streamOf(first, tenantId);
    const later = purchase(orderIds[0], at(10), '1200.00', '1200.00', 1);
    const earlierDated = purchase(orderIds[1], at(5), '300.50', '1500.50', 2);
    const tier: CustomerEvent = {
      type: 'customer.tier_upgraded',
      data: { previousTier: 'BRONZE', newTier: 'SILVER', totalRevenue: '1200.00', currency: 'EUR' },
    };
    const renamed: CustomerEvent = {
      type: 'customer.profile_updated',
      data: { profile: { ...profile, email: 'ada@analytical.example', companyName: null } },
    };
    const then = await spec
      .given(c(created, at(1)), c(later, at(10)))
      .when(c(tier, at(10)), c(earlierDated, at(11)), c(risk(0, 35), at(12)), c(renamed, at(13)));
    expect(await then.rows('customer_list', byId)).toMatchObject([
      {
        email: 'ada@analytical.example',
        company_name: null,
        tier: 'SILVER',
        total_revenue: '1500.5000',
        purchase_count: 2,
        last_purchase_at: new Date(at(10)),
        churn_risk: 35,
        version: 6,
        updated_at: new Date(at(13)),
      },
    ]);
  });

  it('the at-risk query reads churn_risk: at or above the threshold, highest first, ties by id', async () => {
    const [a, b, c] = ids.map((id) => streamOf(id, tenantId));
    const then = await spec
      .given(a!(created, at(1)), b!(created, at(1)), c!(created, at(1)))
      .when(c!(risk(0, 85), at(2)), a!(risk(0, 85), at(2)), b!(risk(0, 40), at(2)));
    const atRisk = await then.rows('customer_list', {
      where: 'churn_risk >= $1',
      params: [70],
      orderBy: 'churn_risk DESC, customer_id',
    });
    expect(atRisk.map((row) => [row.customer_id, row.churn_risk])).toEqual([
      [first, 85],
      [third, 85],
    ]);
    const all = await then.rows('customer_list', { orderBy: 'churn_risk DESC, customer_id' });
    expect(all.map((row) => row.customer_id)).toEqual([first, third, second]);
  });

  it('an event delivered again, or an older one after a newer, changes nothing', async () => {
    const c = streamOf(first, tenantId);
    const events = [
      c(created, at(1)),
      c(purchase(orderIds[0], at(2), '100.00', '100.00', 1), at(2)),
      c(risk(0, 60), at(3)),
      c(purchase(orderIds[1], at(4), '150.00', '250.00', 2), at(4)),
    ] as const;
    const once = await (await spec.given(...events).when()).rows('customer_list', byId);
    const again = await spec.given(...events).when(events[3], events[1], events[2], events[0]);
    expect(once[0]).toMatchObject({ purchase_count: 2, total_revenue: '250.0000', churn_risk: 60, version: 4 });
    expect(await again.rows('customer_list', byId)).toEqual(once);
  });

  it('ignores preference changes (the list shows none): the row, its version included, stays as it was', async () => {
    const c = streamOf(first, tenantId);
    const given = c(created, at(1));
    const before = await (await spec.given(given).when()).rows('customer_list', byId);
    const prefs: CustomerEvent = {
      type: 'customer.preferences_updated',
      data: { preferences: { ...preferences, marketing: true } },
    };
    const then = await spec.given(given).when(c(prefs, at(4)));
    expect(await then.rows('customer_list', byId)).toEqual(before);
  });
});
