import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const profile = { email: 'buyer@example.com', firstName: 'Ann', companyName: 'Buyer Ltd' };

async function createCustomer(headers: Record<string, string>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: { profile } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; version: number }>();
}

describe('customer write side', () => {
  it('purchases sum exactly, upgrade the tier and publish customer events', async () => {
    const caller = await tenantCaller(t.key);
    const customer = await createCustomer(caller.headers);
    const buy = (orderValue: string, orderId = randomUUID()) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/customers/${customer.id}/purchases`,
        headers: caller.headers,
        payload: { orderId, orderValue, currency: 'USD' },
      });
    expect((await buy('0.10')).statusCode).toBe(200);
    const second = await buy('9999.90');
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({
      tier: 'GOLD',
      metrics: { totalRevenue: '10000.00', purchaseCount: 2, averageOrderValue: '5000.00' },
    });
    const types = await eventually(
      async () =>
        (await t.redis.xrange('bizosaas:events:{customer}', '-', '+'))
          .map(([, f]) => JSON.parse(f[f.indexOf('envelope') + 1]!) as { type: string; aggregateId: string })
          .filter((e) => e.aggregateId === customer.id)
          .map((e) => e.type),
      (list) => expect(list).toContain('customer.tier_upgraded'),
    );
    expect(types.slice(0, 2)).toEqual(['customer.created', 'customer.purchase_recorded']);
    expect(types).toContain('customer.churn_risk_updated');
    const otherCurrency = await t.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${customer.id}/purchases`,
      headers: caller.headers,
      payload: { orderId: randomUUID(), orderValue: '1', currency: 'EUR' },
    });
    expect(otherCurrency.statusCode).toBe(422);
  });

  it('updates the profile and preferences with If-Match', async () => {
    const caller = await tenantCaller(t.key);
    const customer = await createCustomer(caller.headers);
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/customers/${customer.id}/profile`,
      headers: { ...caller.headers, 'if-match': '"1"' },
      payload: { profile: { ...profile, companyName: 'Updated Corp', annualRevenue: '1000000' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      version: 2,
      profile: { companyName: 'Updated Corp', annualRevenue: '1000000' },
    });
    const stale = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/customers/${customer.id}/preferences`,
      headers: { ...caller.headers, 'if-match': '"1"' },
      payload: { preferences: { sms: true } },
    });
    expect(stale.statusCode).toBe(409);
    const prefs = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/customers/${customer.id}/preferences`,
      headers: caller.headers,
      payload: { preferences: { sms: true } },
    });
    expect(prefs.json().preferences).toEqual({ email: true, sms: true, phone: false, marketing: false });
  });

  it('lists at-risk customers by churn risk, only the caller tenant', async () => {
    const caller = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const low = await createCustomer(caller.headers);
    const high = await createCustomer(caller.headers);
    await createCustomer(other.headers);
    // A purchase lowers the risk of one; the churn assessment of the other (no purchases) raises it.
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${low.id}/purchases`,
      headers: caller.headers,
      payload: { orderId: randomUUID(), orderValue: '20000', currency: 'USD' },
    });
    const assessed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/customers/${high.id}/churn-assessment`,
      headers: caller.headers,
      payload: {},
    });
    expect(assessed.json().churnRisk).toBe(50);
    const page = await eventually(
      () =>
        t.app
          .inject({ method: 'GET', url: '/api/v1/customers/at-risk?minChurnRisk=0', headers: caller.headers })
          .then((r) => r.json()),
      (p) =>
        expect(p.items.map((i: { id: string; churnRisk: number }) => [i.id, i.churnRisk])).toEqual([
          [high.id, 50],
          [low.id, 27],
        ]),
    );
    expect(page.items[1]).toMatchObject({ totalRevenue: '20000.00', tier: 'GOLD' });
    const missing = await t.app.inject({ method: 'GET', url: `/api/v1/customers/${high.id}`, headers: other.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('TENANT_ISOLATION_VIOLATION');
  });
});
