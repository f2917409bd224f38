import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload && { payload }) });

async function userWithRole(ownerToken: string, role: string) {
  const email = uniqueEmail(role);
  const created = await call('POST', '/api/v1/users', ownerToken, { email, role, password: STRONG_PASSWORD });
  expect(created.statusCode, created.body).toBe(201);
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: STRONG_PASSWORD },
  });
  return { id: created.json().user.id as string, email, token: login.json().accessToken as string };
}

describe('user administration', () => {
  it('a viewer cannot create users', async () => {
    const owner = await registerTenant(t.app);
    const viewer = await userWithRole(owner.accessToken, 'viewer');
    const res = await call('POST', '/api/v1/users', viewer.token, {
      email: uniqueEmail(),
      role: 'member',
      password: STRONG_PASSWORD,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'users:manage' } });
    expect((await call('GET', '/api/v1/users', viewer.token)).statusCode).toBe(200);
  });

  it('an admin creates, lists with filters and pages, deactivates and reactivates', async () => {
    const owner = await registerTenant(t.app);
    const admin = await userWithRole(owner.accessToken, 'admin');
    const member = await userWithRole(admin.token, 'member');
    await userWithRole(admin.token, 'viewer');

    const members = await call('GET', '/api/v1/users?role=member', admin.token);
    expect(members.json()).toMatchObject({ total: 1, items: [{ id: member.id, role: 'member', status: 'active' }] });
    const page2 = await call('GET', '/api/v1/users?pageSize=2&page=2', admin.token);
    expect(page2.json()).toMatchObject({ page: 2, pageSize: 2, total: 4 });
    expect(page2.json().items).toHaveLength(2);

    const off = await call('POST', `/api/v1/users/${member.id}/deactivate`, admin.token, { reason: 'left_company' });
    expect(off.statusCode).toBe(200);
    expect(off.json().status).toBe('deactivated');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: member.email, password: STRONG_PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    expect((await call('GET', '/api/v1/users?status=deactivated', admin.token)).json().total).toBe(1);

    const on = await call('POST', `/api/v1/users/${member.id}/reactivate`, admin.token);
    expect(on.json().status).toBe('active');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: member.email, password: STRONG_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
  });

  it('deactivation ends the user sessions', async () => {
    const owner = await registerTenant(t.app);
    const email = uniqueEmail();
    const created = await call('POST', '/api/v1/users', owner.accessToken, {
      email,
      role: 'member',
      password: STRONG_PASSWORD,
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: STRONG_PASSWORD },
    });
    await call('POST', `/api/v1/users/${created.json().user.id}/deactivate`, owner.accessToken);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: login.json().refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
  });

  it('refuses a duplicate e-mail in the tenant', async () => {
    const owner = await registerTenant(t.app);
    const res = await call('POST', '/api/v1/users', owner.accessToken, {
      email: owner.user.email,
      role: 'member',
      password: STRONG_PASSWORD,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('CONFLICT');
  });

  it('an admin cannot grant owner nor change an owner; the last owner stays', async () => {
    const owner = await registerTenant(t.app);
    const admin = await userWithRole(owner.accessToken, 'admin');
    const grant = await call('POST', '/api/v1/users', admin.token, {
      email: uniqueEmail(),
      role: 'owner',
      password: STRONG_PASSWORD,
    });
    expect(grant.statusCode).toBe(403);
    const promote = await call('PATCH', `/api/v1/users/${admin.id}`, admin.token, { role: 'owner' });
    expect(promote.statusCode).toBe(403);
    expect((await call('POST', `/api/v1/users/${owner.user.id}/deactivate`, admin.token)).statusCode).toBe(403);

    const demote = await call('PATCH', `/api/v1/users/${owner.user.id}`, owner.accessToken, { role: 'admin' });
    expect(demote.statusCode).toBe(422);
    expect(demote.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'last_owner', activeOwners: 1 },
    });
    expect((await call('POST', `/api/v1/users/${owner.user.id}/deactivate`, owner.accessToken)).statusCode).toBe(422);

    const second = await userWithRole(owner.accessToken, 'owner');
    const nowOk = await call('PATCH', `/api/v1/users/${owner.user.id}`, second.token, {
      role: 'admin',
      lastName: 'Former',
    });
    expect(nowOk.statusCode).toBe(200);
    expect(nowOk.json()).toMatchObject({ role: 'admin', lastName: 'Former' });
  });

  it('tenant A cannot see or change tenant B users (404)', async () => {
    const a = await registerTenant(t.app);
    const b = await registerTenant(t.app);
    for (const res of [
      await call('GET', `/api/v1/users/${b.user.id}`, a.accessToken),
      await call('PATCH', `/api/v1/users/${b.user.id}`, a.accessToken, { firstName: 'X' }),
      await call('POST', `/api/v1/users/${b.user.id}/deactivate`, a.accessToken),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error).toBe('NOT_FOUND');
    }
    const list = await call('GET', '/api/v1/users', a.accessToken);
    expect(list.json().items.map((u: { id: string }) => u.id)).toEqual([a.user.id]);
  });
});

describe('invitations', () => {
  it('invites without a password; the token sets one once and signs in', async () => {
    const owner = await registerTenant(t.app);
    const email = uniqueEmail('invitee');
    const res = await call('POST', '/api/v1/users', owner.accessToken, { email, role: 'manager', firstName: 'Ivy' });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({ status: 'invited', role: 'manager' });
    const token = res.json().invitationToken as string;
    expect(token.startsWith(`${owner.tenant.id}.`)).toBe(true);
    // No password yet: the invited user cannot sign in.
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: STRONG_PASSWORD } }))
        .statusCode,
    ).toBe(401);
    // The invitation token is never served again.
    const listed = await call('GET', `/api/v1/users/${res.json().user.id}`, owner.accessToken);
    expect(listed.json()).not.toHaveProperty('invitationToken');

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const accept = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token, password: STRONG_PASSWORD },
    });
    expect(accept.statusCode).toBe(200);
    expect(accept.json().user).toMatchObject({ email, status: 'active', firstName: 'Ivy' });
    const me = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(accept.json().accessToken) });
    expect(me.json().role).toBe('manager');
    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/accept-invitation',
      payload: { token, password: STRONG_PASSWORD },
    });
    expect(twice.statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: STRONG_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
  });
});
