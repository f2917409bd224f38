import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('current tenant', () => {
  it('reads and updates its settings with tenant:manage', async () => {
    const owner = await registerTenant(t.app, { tenantName: 'Settings Co' });
    const get = await t.app.inject({ url: '/api/v1/tenants/current', headers: bearer(owner.accessToken) });
    expect(get.json()).toMatchObject({ id: owner.tenant.id, name: 'Settings Co', plan: 'free', settings: {} });
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/tenants/current',
      headers: bearer(owner.accessToken),
      payload: { name: 'Settings Company', settings: { timezone: 'Europe/Berlin', locale: 'de' } },
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({
      name: 'Settings Company',
      settings: { timezone: 'Europe/Berlin', locale: 'de' },
    });
  });

  it('an admin lacks tenant:manage', async () => {
    const owner = await registerTenant(t.app);
    const email = uniqueEmail('admin');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(owner.accessToken),
      payload: { email, role: 'admin', password: STRONG_PASSWORD },
    });
    const admin = (
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: STRONG_PASSWORD } })
    ).json();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/current/subscription',
      headers: bearer(admin.accessToken),
      payload: { plan: 'starter', billingCycle: 'monthly' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().details.required).toBe('tenant:manage');
  });

  it('changes the subscription at the list price; new tokens carry the plan', async () => {
    const owner = await registerTenant(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants/current/subscription',
      headers: bearer(owner.accessToken),
      payload: { plan: 'professional', billingCycle: 'annual' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      price: '1990.00',
      currency: 'USD',
      tenant: { plan: 'professional', billingCycle: 'annual' },
    });
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    const claims = JSON.parse(Buffer.from(refreshed.json().accessToken.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({
      plan: 'professional',
      roles: ['owner'],
      token_use: 'access',
      tenant_id: owner.tenant.id,
    });
    expect(typeof claims.sid).toBe('string');
  });
});
