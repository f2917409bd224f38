import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const loginFrom = (email: string, userAgent: string, remoteAddress: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: STRONG_PASSWORD },
    headers: { 'user-agent': userAgent },
    remoteAddress,
  });
const refresh = (refreshToken: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

describe('sessions', () => {
  it('lists my sessions with device and IP, and ends one of them', async () => {
    const reg = await registerTenant(t.app);
    const phone = (await loginFrom(reg.user.email, 'Phone/1.0', '192.0.2.10')).json();
    const laptop = (await loginFrom(reg.user.email, 'Laptop/2.0', '192.0.2.11')).json();
    const list = await t.app.inject({ url: '/api/v1/sessions', headers: bearer(laptop.accessToken) });
    expect(list.statusCode).toBe(200);
    const items = list.json().items as { id: string; userAgent: string; ip: string; current: boolean }[];
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.current)).toEqual([
      expect.objectContaining({ userAgent: 'Laptop/2.0', ip: '192.0.2.11' }),
    ]);
    const phoneSession = items.find((s) => s.userAgent === 'Phone/1.0')!;
    expect(phoneSession.ip).toBe('192.0.2.10');

    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${phoneSession.id}`,
      headers: bearer(laptop.accessToken),
    });
    expect(del.statusCode).toBe(204);
    expect((await refresh(phone.refreshToken)).statusCode).toBe(401);
    expect((await refresh(laptop.refreshToken)).statusCode).toBe(200);
    const after = (await t.app.inject({ url: '/api/v1/sessions', headers: bearer(laptop.accessToken) })).json().items;
    expect(after).toHaveLength(2);
  });

  it("cannot end another user's session (404)", async () => {
    const reg = await registerTenant(t.app);
    const email = uniqueEmail();
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(reg.accessToken),
      payload: { email, role: 'member', password: STRONG_PASSWORD },
    });
    const member = (await loginFrom(email, 'x', '192.0.2.20')).json();
    const ownerSessions = (await t.app.inject({ url: '/api/v1/sessions', headers: bearer(reg.accessToken) })).json()
      .items;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${ownerSessions[0].id}`,
      headers: bearer(member.accessToken),
    });
    expect(res.statusCode).toBe(404);
    expect((await refresh(reg.refreshToken)).statusCode).toBe(200);
  });

  it('an admin ends every session of a user; a viewer may not', async () => {
    const reg = await registerTenant(t.app);
    const email = uniqueEmail();
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(reg.accessToken),
      payload: { email, role: 'viewer', password: STRONG_PASSWORD },
    });
    const id = created.json().user.id;
    const a = (await loginFrom(email, 'a', '192.0.2.30')).json();
    const b = (await loginFrom(email, 'b', '192.0.2.31')).json();
    const denied = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${reg.user.id}/sessions`,
      headers: bearer(a.accessToken),
    });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${id}/sessions`,
      headers: bearer(reg.accessToken),
    });
    expect(res.json()).toEqual({ revoked: 2 });
    expect((await refresh(a.refreshToken)).statusCode).toBe(401);
    expect((await refresh(b.refreshToken)).statusCode).toBe(401);
  });
});
